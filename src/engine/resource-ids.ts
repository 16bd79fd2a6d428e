/** FHIR ids, references and instants. */
import { randomUUID } from 'node:crypto';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export const isValidId = (id: string): boolean => ID.test(id);

/**
 * A server-assigned id: a UUID version 7 (RFC 9562), whose first 48 bits are the creation time in
 * milliseconds and the rest random. Ids created close in time sort close together, so the
 * database's (type, id) indexes grow at their end instead of at a random page per insert.
 */
export function newId(now: number = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

/** `W/"3"` → 3; also accepts a bare `"3"` or `3`. Undefined when it is no version tag. */
export function parseETag(tag: string): number | undefined {
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(tag.trim());
  return m ? Number(m[1]) : undefined;
}

export const etag = (version: number): string => `W/"${version}"`;

export const instant = (ms: number): string => new Date(ms).toISOString();

export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** A relative literal reference `Type/id` or `Type/id/_history/n`, split; undefined otherwise. */
export function parseRelativeReference(ref: string): { type: string; id: string; version?: number } | undefined {
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/(\d+))?$/.exec(ref);
  if (!m) return undefined;
  return m[3] === undefined ? { type: m[1]!, id: m[2]! } : { type: m[1]!, id: m[2]!, version: Number(m[3]) };
}

/** FHIR ids, references and instants. */
import { randomUUID } from 'node:crypto';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export const isValidId = (id: string): boolean => ID.test(id);

export const newId = (): string => randomUUID();

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

/**
 * The export format (see FORMAT.md beside this file): one NDJSON file per resource type, one line
 * per version — every version of every resource, deletions included — shaped like an entry of a
 * FHIR history Bundle:
 *
 *   {"extension":[{"url":"urn:cdl:export:sequence","valueDecimal":17}],
 *    "request":{"method":"PUT","url":"Patient/p1"},
 *    "response":{"status":"200","etag":"W/\"2\"","lastModified":"2026-03-01T10:00:00.000Z"},
 *    "resource":{…the version exactly as stored…}}
 *
 * (on one line). A deletion has `request.method` DELETE and no `resource`. The sequence extension
 * numbers the versions of the whole export 1..N in the order they were written, across files, so
 * an import replays them in that order. A Binary's bytes are in `resource.data` (base64), appended
 * as the last member of the stored JSON. The audit chain is in `audit-chain.ndjson`, and
 * `manifest.json` lists the files (written last: an export without it is incomplete).
 *
 * Everything is derived from stored data only (no export time), so exporting the same data twice —
 * from SQLite or PostgreSQL — gives byte-identical files.
 */
import { etag, instant, isValidId } from '../../engine/resource-ids.js';
import type { HistoryEntry } from '../../engine/storage-port.js';

export const SEQUENCE_EXTENSION = 'urn:cdl:export:sequence';
export const MANIFEST_FILE = 'manifest.json';
export const AUDIT_CHAIN_FILE = 'audit-chain.ndjson';
export const FORMAT_NAME = 'cahier-de-liaison export (FHIR R4 NDJSON with history)';
export const FORMAT_VERSION = 1;

export const fileOfType = (type: string): string => `${type}.ndjson`;

export type Method = 'POST' | 'PUT' | 'DELETE';

/** One version read back from an export line. */
export interface ParsedVersion {
  sequence: number;
  type: string;
  id: string;
  version: number;
  lastUpdated: number;
  method: Method;
  /** The stored JSON text (without the Binary `data` the export added); null for a deletion. */
  json: string | null;
  /** The parsed resource (without `data`); undefined for a deletion. */
  resource?: Record<string, unknown>;
  /** Binary content. */
  blob?: Buffer;
}

export interface ManifestOutput {
  type: string;
  url: string;
  count: number;
}

export interface Manifest {
  format: string;
  formatVersion: number;
  /** Versions in the whole export (the last sequence number). */
  versions: number;
  output: ManifestOutput[];
  auditChain: { url: string; count: number; head: string };
}

export class FormatError extends Error {
  override readonly name = 'FormatError';
}

const statusOf = (method: Method, version: number): string => (method === 'DELETE' ? '204' : version === 1 || method === 'POST' ? '201' : '200');

/** Everything of a line before its `resource` member (or the whole line of a deletion, without the closing brace). */
function prefixOf(sequence: number, method: Method, type: string, id: string, version: number, lastUpdated: number): string {
  const url = method === 'POST' ? type : `${type}/${id}`;
  return (
    `{"extension":[{"url":"${SEQUENCE_EXTENSION}","valueDecimal":${sequence}}],` +
    `"request":{"method":"${method}","url":"${url}"},` +
    `"response":{"status":"${statusOf(method, version)}","etag":${JSON.stringify(etag(version))},"lastModified":"${instant(lastUpdated)}"}`
  );
}

const RESOURCE_KEY = ',"resource":';

/** The export line of a stored version (`blob`: a Binary's bytes). No trailing newline. */
export function versionLine(v: HistoryEntry, sequence: number, blob?: Buffer): string {
  const prefix = prefixOf(sequence, v.method, v.type, v.id, v.version, v.lastUpdated);
  if (v.json === null) return `${prefix}}`;
  let json = v.json;
  if (blob !== undefined) {
    if (!json.endsWith('}') || json.length < 2) throw new FormatError(`${v.type}/${v.id} version ${v.version}: stored JSON is not an object`);
    json = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"data":${JSON.stringify(blob.toString('base64'))}}`;
  }
  return `${prefix}${RESOURCE_KEY}${json}}`;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Parses one line of `<type>.ndjson`. The stored JSON text is recovered byte for byte from lines
 * in this module's canonical form; a line written by another tool has its resource re-serialized.
 */
export function parseVersionLine(line: string, type: string, where: string): ParsedVersion {
  let entry: Json;
  try {
    entry = JSON.parse(line) as Json;
  } catch (e) {
    throw new FormatError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(entry)) throw new FormatError(`${where}: not a JSON object`);
  const ext = Array.isArray(entry.extension) ? (entry.extension as Json[]).find((x) => isObject(x) && x.url === SEQUENCE_EXTENSION) : undefined;
  const sequence = ext?.valueDecimal;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) throw new FormatError(`${where}: no ${SEQUENCE_EXTENSION} extension with a positive integer`);
  const request = isObject(entry.request) ? entry.request : {};
  const response = isObject(entry.response) ? entry.response : {};
  const method = request.method;
  if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') throw new FormatError(`${where}: request.method must be POST, PUT or DELETE`);
  const version = typeof response.etag === 'string' ? /^W\/"([1-9]\d{0,9})"$/.exec(response.etag)?.[1] : undefined;
  if (version === undefined) throw new FormatError(`${where}: response.etag must be W/"<version>"`);
  const lastUpdated = typeof response.lastModified === 'string' ? Date.parse(response.lastModified) : NaN;
  if (Number.isNaN(lastUpdated)) throw new FormatError(`${where}: response.lastModified must be an instant`);
  const url = typeof request.url === 'string' ? request.url.split('/') : [];
  const resource = entry.resource;
  const id = method === 'POST' ? (isObject(resource) ? resource.id : undefined) : url[1];
  if (url[0] !== type || (method !== 'POST' && url.length !== 2)) throw new FormatError(`${where}: request.url must be ${method === 'POST' ? type : `${type}/<id>`}`);
  if (typeof id !== 'string' || !isValidId(id)) throw new FormatError(`${where}: no valid resource id`);
  const out: ParsedVersion = { sequence, type, id, version: Number(version), lastUpdated, method, json: null };
  if (method === 'DELETE') {
    if (resource !== undefined) throw new FormatError(`${where}: a DELETE line has no resource`);
    return out;
  }
  if (!isObject(resource)) throw new FormatError(`${where}: no resource`);
  if (resource.resourceType !== type || resource.id !== id) throw new FormatError(`${where}: the resource is not ${type}/${id}`);
  const meta = isObject(resource.meta) ? resource.meta : {};
  if (meta.versionId !== version || meta.lastUpdated !== instant(lastUpdated)) {
    throw new FormatError(`${where}: meta.versionId/lastUpdated disagree with response.etag/lastModified`);
  }
  const { data, ...stored } = resource;
  if (data !== undefined && (type !== 'Binary' || typeof data !== 'string')) throw new FormatError(`${where}: only a Binary carries data (base64)`);
  out.resource = stored;
  out.json = storedText(line, prefixOf(sequence, method, type, id, out.version, lastUpdated), data as string | undefined) ?? JSON.stringify(stored);
  if (typeof data === 'string') out.blob = Buffer.from(data, 'base64');
  return out;
}

/** The stored JSON text, sliced out of a canonical line; undefined when the line is not canonical. */
function storedText(line: string, prefix: string, data: string | undefined): string | undefined {
  const head = `${prefix}${RESOURCE_KEY}`;
  if (!line.startsWith(head) || !line.endsWith('}')) return undefined;
  const text = line.slice(head.length, -1);
  if (data === undefined) return text;
  const tail = `"data":${JSON.stringify(data)}}`;
  if (!text.endsWith(tail)) return undefined;
  const rest = text.slice(0, -tail.length);
  return rest.endsWith(',') ? `${rest.slice(0, -1)}}` : `${rest}}`;
}

/** The audit chain link line. */
export const chainLine = (eventId: string, hash: string): string => JSON.stringify({ eventId, hash });

export function parseChainLine(line: string, where: string): { eventId: string; hash: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new FormatError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(v) || typeof v.eventId !== 'string' || typeof v.hash !== 'string') throw new FormatError(`${where}: expected {"eventId":…,"hash":…}`);
  return { eventId: v.eventId, hash: v.hash };
}

export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

export function parseManifest(text: string): Manifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${MANIFEST_FILE}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(m) || m.format !== FORMAT_NAME) throw new FormatError(`${MANIFEST_FILE}: not an export of this server`);
  if (m.formatVersion !== FORMAT_VERSION) throw new FormatError(`${MANIFEST_FILE}: format version ${String(m.formatVersion)} is not supported (expected ${FORMAT_VERSION})`);
  const output = m.output;
  const chain = m.auditChain;
  if (!Array.isArray(output) || !isObject(chain) || typeof m.versions !== 'number') throw new FormatError(`${MANIFEST_FILE}: incomplete`);
  for (const o of output as unknown[]) {
    if (!isObject(o) || typeof o.type !== 'string' || !/^[A-Z][A-Za-z]+$/.test(o.type) || o.url !== fileOfType(o.type) || typeof o.count !== 'number') {
      throw new FormatError(`${MANIFEST_FILE}: bad output entry ${JSON.stringify(o)}`);
    }
  }
  if (chain.url !== AUDIT_CHAIN_FILE || typeof chain.count !== 'number' || typeof chain.head !== 'string') throw new FormatError(`${MANIFEST_FILE}: bad auditChain entry`);
  return m as unknown as Manifest;
}

/** Opaque keyset-paging cursors carried in `next` links. */
import { errors } from '../fhir/errors.js';
import type { SortKey } from '../fhir/search/search-request.js';

export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, param = '_cursor'): Array<string | number> {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    // fall through
  }
  throw errors.badRequest(`The paging cursor '${cursor.slice(0, 40)}' is not valid`, param);
}

/** The sort a search cursor belongs to (`-date,_id`). */
const sortSignature = (sort: readonly SortKey[]): string => sort.map((k) => `${k.descending ? '-' : ''}${k.param}`).join(',');
/** The type of a position value for a sort key: dates are epoch ms, numbers finite, others text. */
const validValue = (k: SortKey, v: unknown): boolean =>
  k.type === 'date' ? Number.isSafeInteger(v) : k.type === 'number' || k.type === 'quantity' ? Number.isFinite(v) : typeof v === 'string';

/**
 * A search position (one value per sort key, then the storage key) as a cursor that names the
 * sort it was taken in, so that it cannot be replayed against another order.
 */
export function encodeSearchCursor(sort: readonly SortKey[], position: Array<string | number>): string {
  return encodeCursor([sortSignature(sort), ...position]);
}

/** The position in a cursor from `encodeSearchCursor` for the same sort; 400 otherwise. */
export function decodeSearchCursor(cursor: string, sort: readonly SortKey[]): Array<string | number> {
  const [signature, ...position] = decodeCursor(cursor);
  const valid =
    signature === sortSignature(sort) &&
    position.length === sort.length + 1 &&
    sort.every((k, i) => validValue(k, position[i])) &&
    Number.isSafeInteger(position[sort.length]);
  if (!valid) throw errors.badRequest('The paging cursor does not belong to this search (its sort or its values differ)', '_cursor');
  return position;
}

/** Opaque keyset-paging cursors carried in `next` links. */
import { errors } from '../fhir/errors.js';

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

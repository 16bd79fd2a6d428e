/**
 * Matching for conditional interactions (If-None-Exist create, conditional delete, conditional
 * references in transactions): the ids of current resources of a type matching search criteria.
 */
import { errors } from '../fhir/errors.js';
import { canonicalSystem } from '../fhir/terminology.js';
import type { StorageReader } from './storage-port.js';

export type Criteria = Array<[string, string]>;

/** `identifier=a|b&_id=x` → pairs. */
export function parseCriteria(query: string): Criteria {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  return [...params.entries()];
}

const splitToken = (value: string): { system: string | null; code: string } => {
  const bar = value.indexOf('|');
  if (bar < 0) return { system: null, code: value };
  return { system: canonicalSystem(value.slice(0, bar)), code: value.slice(bar + 1) };
};

/** Ids of current resources matching every criterion (at most `limit`). */
export async function findMatches(reader: StorageReader, type: string, criteria: Criteria, limit: number): Promise<string[]> {
  if (criteria.length === 0) throw errors.badRequest('A conditional request needs search criteria');
  let result: Set<string> | undefined;
  for (const [name, value] of criteria) {
    let ids: string[];
    if (name === '_id') {
      const v = await reader.readCurrent(type, value);
      ids = v && !v.deleted ? [v.id] : [];
    } else if (name === 'identifier') {
      const { system, code } = splitToken(value);
      if (code === '') throw errors.badRequest(`Conditional criterion identifier=${value} has no value`, 'identifier');
      ids = await reader.findIdsByToken(type, 'identifier', system, code);
    } else {
      throw errors.notSupported(`Conditional criterion '${name}' is not supported here: use identifier or _id`, name);
    }
    result = result === undefined ? new Set(ids) : new Set(ids.filter((id) => result!.has(id)));
    if (result.size === 0) break;
  }
  return [...(result ?? [])].slice(0, limit);
}

/**
 * Matching for conditional interactions (If-None-Exist create, conditional delete, conditional
 * references in transactions): ids of current resources matching search criteria, found with
 * the search engine itself (any search parameter works).
 */
import { errors } from '../fhir/errors.js';
import type { EngineCore } from './engine-core.js';
import { parseSearchRequest } from './interactions/search.js';
import type { StorageReader } from './storage-port.js';
import type { RequestContext } from './engine-deps.js';

export type Criteria = Array<[string, string]>;

/** `identifier=a|b&_id=x` → pairs. */
export function parseCriteria(query: string): Criteria {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  return [...params.entries()];
}

const RESULT_PARAMS = /^_(count|sort|include|revinclude|summary|elements|total|cursor|format|pretty)$/;

/** Ids of current resources of `type` matching every criterion (at most `limit`). */
export async function findMatches(
  core: EngineCore,
  reader: StorageReader,
  ctx: RequestContext,
  type: string,
  criteria: Criteria,
  limit: number,
): Promise<string[]> {
  const filters = criteria.filter(([k]) => !RESULT_PARAMS.test(k.split(':')[0]!));
  if (filters.length === 0) throw errors.badRequest('A conditional request needs search criteria');
  const request = parseSearchRequest(core, type, filters, {}, ctx);
  // Conditional operations see what the caller may search, nothing more.
  const access = ctx.auth.access(type, 'search');
  const result = await reader.search({ request: { ...request, count: limit, include: [], revinclude: [], sort: [] }, countTotal: false, access });
  return result.matches.map((m) => m.id);
}

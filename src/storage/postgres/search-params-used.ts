/**
 * The search parameters (type, code) a search request names — filters (through chains), sort
 * keys, includes — so that their numeric ids are loaded before the (synchronous) SQL compiler runs.
 */
import type { SearchFilter, SearchRequest } from '../../fhir/search/search-request.js';

function fromFilter(f: SearchFilter, type: string, out: Array<[string, string]>): void {
  switch (f.kind) {
    case 'id':
    case 'lastUpdated':
      return;
    case 'chain':
      out.push([type, f.param]);
      for (const t of f.targets) fromFilter(t.filter, t.type, out);
      return;
    default:
      out.push([type, f.param]);
  }
}

export function searchParamsUsed(req: SearchRequest, restricted: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const f of req.filters) fromFilter(f, req.resourceType, out);
  for (const k of req.sort) if (k.param !== '_id' && k.param !== '_lastUpdated') out.push([req.resourceType, k.param]);
  for (const s of [...req.include, ...req.revinclude]) if (s.param !== '*' && s.sourceType !== '*') out.push([s.sourceType, s.param]);
  // The access predicate's authorship override matches notes by their `author` index rows.
  if (restricted) out.push(['DocumentReference', 'author']);
  return out;
}

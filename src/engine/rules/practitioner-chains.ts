/**
 * The IG's search rule for professionals: `author:Practitioner.<param>` also finds notes whose
 * author is a PractitionerRole of that practitioner (the situation of practice is the preferred
 * author). Rewrites such chains to also go through `PractitionerRole.practitioner`.
 */
import type { ChainFilter, SearchFilter, SearchRequest } from '../../fhir/search/search-request.js';

function expand(f: SearchFilter, sourceType: string): SearchFilter {
  if (f.kind !== 'chain') return f;
  const targets = f.targets.map((t) => ({ type: t.type, filter: expand(t.filter, t.type) }));
  const viaPractitioner = targets.find((t) => t.type === 'Practitioner');
  if (sourceType === 'DocumentReference' && f.param === 'author' && viaPractitioner) {
    const throughRole: ChainFilter = { kind: 'chain', param: 'practitioner', targets: [viaPractitioner] };
    targets.push({ type: 'PractitionerRole', filter: throughRole });
  }
  return { ...f, targets };
}

export function expandPractitionerChains(req: SearchRequest): SearchRequest {
  return { ...req, filters: req.filters.map((f) => expand(f, req.resourceType)) };
}

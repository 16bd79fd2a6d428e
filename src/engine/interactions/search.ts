/** search-type: parse, compile into storage (with the caller's access constraint), page, include, shape. */
import { issue, toOperationOutcome } from '../../fhir/errors.js';
import { parseSearch } from '../../fhir/search/parse-search.js';
import type { SearchRequest } from '../../fhir/search/search-request.js';
import { bundleJson, entryJson, type BundleLink } from '../bundle-json.js';
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse, Preferences } from '../fhir-request.js';
import { decodeSearchCursor, encodeSearchCursor } from '../paging-cursor.js';
import { expandPractitionerChains } from '../rules/practitioner-chains.js';
import { shaperFor } from '../search-shaping.js';
import { auditedResources } from '../audited-resources.js';
import type { SearchQuery, StorageReader } from '../storage-port.js';

const queryString = (params: Array<[string, string]>): string =>
  params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

export function parseSearchRequest(core: EngineCore, type: string, query: Array<[string, string]>, prefer: Preferences, ctx: RequestContext): SearchRequest {
  const { defaultCount, maxCount, resourceTypes } = core.deps.options;
  const req = parseSearch(core.deps.defs, type, query, {
    lenient: prefer.handling === 'lenient',
    defaultCount,
    maxCount,
    exposedTypes: resourceTypes,
    baseUrl: ctx.baseUrl,
    now: core.now(),
  });
  return expandPractitionerChains(req);
}

export async function search(
  core: EngineCore,
  reader: StorageReader,
  type: string,
  query: Array<[string, string]>,
  prefer: Preferences,
  ctx: RequestContext,
): Promise<FhirResponse> {
  core.checkType(type);
  const access = ctx.auth.access(type, 'search');
  const request = parseSearchRequest(core, type, query, prefer, ctx);
  checkChainScopes(ctx, request.filters);
  const countOnly = request.summary === 'count';
  // `_count=0` asks for no entries: the total is then all the page can say (unless `_total=none`).
  const noEntries = request.count === 0;
  const q: SearchQuery = {
    request: countOnly ? { ...request, count: 0, include: [], revinclude: [] } : request,
    countTotal: countOnly || request.total === 'accurate' || request.total === 'estimate' || (noEntries && request.total !== 'none'),
    access,
  };
  if (request.cursor !== undefined) q.after = decodeSearchCursor(request.cursor, request.sort);
  const result = await reader.search(q);

  // Links carry the parameters actually processed (FHIR: the self link tells which were used),
  // so a next link never repeats a parameter that only `handling=lenient` let through.
  const kept = processedParams(query, request.ignored).filter(([k]) => k !== '_cursor');
  const base = `${ctx.baseUrl}/${type}`;
  const url = (params: Array<[string, string]>) => (params.length ? `${base}?${queryString(params)}` : base);
  const link: BundleLink[] = [{ relation: 'self', url: url(request.cursor === undefined ? kept : [...kept, ['_cursor', request.cursor]]) }];
  if (result.next) link.push({ relation: 'next', url: url([...kept, ['_cursor', encodeSearchCursor(request.sort, result.next)]]) });
  let total = result.total;
  // A single page holding every match gives its size as the total (not a page of size 0).
  if (total === undefined && !noEntries && !result.next && q.after === undefined && request.total !== 'none') total = result.matches.length;

  const shape = shaperFor(core.deps.defs, request.summary, request.elements);
  const entries: string[] = [];
  for (const m of result.matches) {
    entries.push(entryJson({ fullUrl: `${ctx.baseUrl}/${m.type}/${m.id}`, resourceJson: shape ? shape(m.type)(m.json!) : m.json!, rest: { search: { mode: 'match' } } }));
  }
  // Included types the token may not read are left out (the rows themselves passed the access filter).
  const included = result.included.filter((m) => ctx.auth.accessIfAllowed(m.type) !== undefined);
  for (const m of included) {
    entries.push(entryJson({ fullUrl: `${ctx.baseUrl}/${m.type}/${m.id}`, resourceJson: shape ? shape(m.type)(m.json!) : m.json!, rest: { search: { mode: 'include' } } }));
  }
  if (request.ignored.length > 0) {
    const oo = toOperationOutcome(request.ignored.map((i) => issue('not-supported', `Parameter '${i.name}' was ignored: ${i.reason}`, i.name, 'warning')));
    entries.push(entryJson({ resourceJson: JSON.stringify(oo), rest: { search: { mode: 'outcome' } } }));
  }
  const header: Parameters<typeof bundleJson>[0] = { type: 'searchset', link };
  if (total !== undefined) header.total = total;
  const shown = [...result.matches, ...included];
  const audit = await auditedResources(reader, shown, (m) => `${m.type}/${m.id}`);
  return { status: 200, headers: {}, body: { kind: 'json', json: bundleJson(header, entries) }, audit };
}

/** The query parameters without the ones the parser ignored (each ignored occurrence removed once). */
function processedParams(query: Array<[string, string]>, ignored: SearchRequest['ignored']): Array<[string, string]> {
  if (ignored.length === 0) return query;
  const left = [...ignored];
  return query.filter(([k, v]) => {
    const i = left.findIndex((x) => x.name === k && x.value === v);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/** Chained criteria read their target types: the token must allow searching them. */
function checkChainScopes(ctx: RequestContext, filters: SearchRequest['filters']): void {
  for (const f of filters) {
    if (f.kind !== 'chain') continue;
    for (const t of f.targets) {
      ctx.auth.access(t.type, 'search');
      checkChainScopes(ctx, [t.filter]);
    }
  }
}

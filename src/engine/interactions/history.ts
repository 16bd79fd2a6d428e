/** Instance, type and system history, newest first, with keyset paging. */
import { errors } from '../../fhir/errors.js';
import { bundleJson, entryJson, type BundleLink } from '../bundle-json.js';
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse } from '../fhir-request.js';
import { decodeCursor, encodeCursor } from '../paging-cursor.js';
import { auditedResources } from '../audited-resources.js';
import { etag, instant } from '../resource-ids.js';
import type { HistoryEntry, HistoryQuery, StorageReader } from '../storage-port.js';

const IGNORED = new Set(['_format', '_pretty']);

interface HistoryParams {
  count: number;
  since?: number;
  after?: { lastUpdated: number; seq: number };
}

function parseParams(core: EngineCore, query: Array<[string, string]>): HistoryParams {
  const { defaultCount, maxCount } = core.deps.options;
  const out: HistoryParams = { count: defaultCount };
  for (const [name, value] of query) {
    if (name === '_count') {
      if (!/^\d+$/.test(value)) throw errors.badRequest(`_count must be a non-negative integer, not '${value}'`, '_count');
      out.count = Math.min(Number(value), maxCount);
    } else if (name === '_since') {
      const t = Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) throw errors.badRequest(`_since must be an instant, not '${value}'`, '_since');
      out.since = t;
    } else if (name === '_cursor') {
      const [lu, seq] = decodeCursor(value);
      if (typeof lu !== 'number' || typeof seq !== 'number') throw errors.badRequest('The paging cursor is not valid', '_cursor');
      out.after = { lastUpdated: lu, seq };
    } else if (!IGNORED.has(name)) {
      throw errors.badRequest(`Unknown or unsupported parameter '${name}' for history`, name);
    }
  }
  return out;
}

function entryOf(e: HistoryEntry, ctx: RequestContext): string {
  const url = `${e.type}/${e.id}`;
  const status = e.method === 'DELETE' ? '204' : e.version === 1 || e.method === 'POST' ? '201' : '200';
  return entryJson({
    fullUrl: `${ctx.baseUrl}/${url}`,
    ...(e.json !== null ? { resourceJson: e.json } : {}),
    rest: {
      request: { method: e.method, url: e.method === 'POST' ? e.type : url },
      response: { status, etag: etag(e.version), lastModified: instant(e.lastUpdated) },
    },
  });
}

export async function history(
  core: EngineCore,
  reader: StorageReader,
  scope: { type?: string; id?: string },
  query: Array<[string, string]>,
  ctx: RequestContext,
): Promise<FhirResponse> {
  if (scope.type !== undefined) core.checkType(scope.type);
  if (scope.id !== undefined) core.checkId(scope.id);
  const p = parseParams(core, query);
  const access = ctx.auth.access(scope.type ?? '*', scope.id !== undefined ? 'read' : 'search');
  if (scope.type !== undefined && scope.id !== undefined) {
    const current = await reader.readCurrent(scope.type, scope.id, access);
    if (!current) throw errors.resourceNotFound(scope.type, scope.id);
  }
  const q: HistoryQuery = { ...scope, count: p.count + 1 };
  if (p.since !== undefined) q.since = p.since;
  if (p.after !== undefined) q.after = p.after;
  const rows = p.count === 0 ? [] : await reader.history(q, access);
  const page = rows.slice(0, p.count);
  const path = [scope.type, scope.id].filter((s) => s !== undefined).join('/');
  const self = `${ctx.baseUrl}/${path ? `${path}/` : ''}_history`;
  const keep = query.filter(([k]) => k !== '_cursor').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  const link: BundleLink[] = [{ relation: 'self', url: keep.length ? `${self}?${keep.join('&')}` : self }];
  const last = page[page.length - 1];
  if (rows.length > p.count && last) {
    const next = [...keep, `_cursor=${encodeCursor([last.lastUpdated, last.seq])}`];
    link.push({ relation: 'next', url: `${self}?${next.join('&')}` });
  }
  const header: Parameters<typeof bundleJson>[0] = { type: 'history', link };
  if (scope.id !== undefined && p.after === undefined) {
    const countQuery: Omit<HistoryQuery, 'count' | 'after'> = { ...scope };
    if (p.since !== undefined) countQuery.since = p.since;
    header.total = await reader.countHistory(countQuery, access);
  }
  const audit = await auditedResources(reader, page, (e) => `${e.type}/${e.id}/_history/${e.version}`);
  return { status: 200, headers: {}, body: { kind: 'json', json: bundleJson(header, page.map((e) => entryOf(e, ctx))) }, audit };
}

/**
 * Transaction Bundles: every entry succeeds or nothing persists. Entries run in FHIR order
 * (DELETE, POST, PUT, GET); fullUrls (and the IG example's `Type/id` aliases) resolve to the ids
 * the server assigns, and every reference is rewritten before validation.
 */
import { errors, FhirError, issue, toOperationOutcome } from '../../fhir/errors.js';
import { bundleJson, entryJson } from '../bundle-json.js';
import { planEntry, failEntry, unresolvedReference, type PlannedEntry } from '../bundle-entries.js';
import { findMatches, parseCriteria } from '../conditional.js';
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse, Preferences, RequestHeaders } from '../fhir-request.js';
import { rewriteReferences } from '../references.js';
import { etag, instant, newId } from '../resource-ids.js';
import type { StorageReader, StorageTx } from '../storage-port.js';
import { checkLinks, type WriteOutcome } from '../write/commit.js';
import type { JsonObject, PreparedResource } from '../write/prepare.js';
import { commitCreate } from './create.js';
import { commitConditionalDelete, commitDelete, type DeleteOutcome } from './delete.js';
import { commitUpdate, checkUpdateBody, parseIfMatch } from './update.js';

/** Answers a GET entry with the given reader (the transaction's own view). */
export type ReadDispatcher = (entry: PlannedEntry, reader: StorageReader, headers: RequestHeaders) => Promise<FhirResponse>;

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified' };
export const statusLine = (status: number): string => `${status}${REASONS[status] ? ` ${REASONS[status]}` : ''}`;

interface EntryResult {
  status: number;
  fullUrl?: string;
  json?: string | null;
  resource?: object;
  location?: string;
  version?: number;
  lastUpdated?: number;
}

interface WritePlan {
  entry: PlannedEntry;
  type: string;
  id: string;
  /** Set when a conditional create matched an existing resource. */
  existing?: string;
  prepared?: PreparedResource;
}

const ORDER: Record<string, number> = { delete: 0, 'conditional-delete': 0, create: 1, update: 2 };

function assignIds(planned: PlannedEntry[]): { plans: WritePlan[]; refMap: Map<string, string> } {
  const refMap = new Map<string, string>();
  const fullUrls = new Set<string>();
  const plans: WritePlan[] = [];
  const alias = (from: string, to: string) => {
    if (!refMap.has(from)) refMap.set(from, to);
  };
  for (const p of planned) {
    if (p.fullUrl !== undefined) {
      if (fullUrls.has(p.fullUrl)) throw errors.badRequest(`${p.path}.fullUrl '${p.fullUrl}' appears twice in the Bundle`, `${p.path}.fullUrl`);
      fullUrls.add(p.fullUrl);
    }
    if (p.op.kind === 'create') {
      const plan: WritePlan = { entry: p, type: p.op.type, id: newId() };
      const ref = `${plan.type}/${plan.id}`;
      if (p.fullUrl !== undefined) refMap.set(p.fullUrl, ref);
      // Leniency for the IG's example: `request.url` and references of the form Type/<client id>.
      const urlId = /^[A-Z][A-Za-z]+\/([A-Za-z0-9\-.]{1,64})$/.exec(p.url)?.[1];
      if (urlId) alias(`${plan.type}/${urlId}`, ref);
      if (typeof p.resource?.id === 'string') alias(`${plan.type}/${p.resource.id}`, ref);
      plans.push(plan);
    } else if (p.op.kind === 'update') {
      if (p.fullUrl !== undefined) refMap.set(p.fullUrl, `${p.op.type}/${p.op.id}`);
      plans.push({ entry: p, type: p.op.type, id: p.op.id });
    }
  }
  const targets = new Set<string>();
  for (const plan of plans) {
    if (plan.entry.op.kind !== 'update') continue;
    const key = `${plan.type}/${plan.id}`;
    if (targets.has(key)) throw errors.badRequest(`${plan.entry.path}: ${key} is written twice in the same transaction`, `${plan.entry.path}.request.url`);
    targets.add(key);
  }
  return { plans, refMap };
}

async function resolveReference(core: EngineCore, tx: StorageTx, ctx: RequestContext, plan: WritePlan, refMap: Map<string, string>, ref: string): Promise<string | undefined> {
  const mapped = refMap.get(ref);
  if (mapped !== undefined) return mapped;
  if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) throw unresolvedReference(plan.entry, ref);
  const q = /^([A-Z][A-Za-z]+)\?(.+)$/.exec(ref);
  if (!q) return undefined;
  const matches = await findMatches(core, tx, ctx, q[1]!, parseCriteria(q[2]!), 2);
  if (matches.length !== 1) {
    throw new FhirError(matches.length === 0 ? 422 : 412, [
      issue(matches.length === 0 ? 'not-found' : 'multiple-matches', `${plan.entry.path}.resource: conditional reference '${ref}' matches ${matches.length === 0 ? 'no' : 'several'} resources`, `${plan.entry.path}.resource`),
    ]);
  }
  const resolved = `${q[1]}/${matches[0]}`;
  refMap.set(ref, resolved);
  return resolved;
}

async function rewriteAll(core: EngineCore, tx: StorageTx, ctx: RequestContext, plan: WritePlan, refMap: Map<string, string>): Promise<void> {
  const refs: string[] = [];
  rewriteReferences(plan.entry.resource, (r) => {
    refs.push(r);
    return undefined;
  });
  for (const r of refs) await resolveReference(core, tx, ctx, plan, refMap, r);
  rewriteReferences(plan.entry.resource, (r) => refMap.get(r));
}

function writeResult(o: WriteOutcome | { existingJson: StorageReaderVersion }, ctx: RequestContext): EntryResult {
  if ('existingJson' in o) {
    const v = o.existingJson;
    return { status: 200, fullUrl: `${ctx.baseUrl}/${v.type}/${v.id}`, json: v.json, location: `${ctx.baseUrl}/${v.type}/${v.id}/_history/${v.version}`, version: v.version, lastUpdated: v.lastUpdated };
  }
  return {
    status: o.created ? 201 : 200,
    fullUrl: `${ctx.baseUrl}/${o.type}/${o.id}`,
    json: o.json,
    location: `${ctx.baseUrl}/${o.type}/${o.id}/_history/${o.version}`,
    version: o.version,
    lastUpdated: o.lastUpdated,
  };
}
type StorageReaderVersion = NonNullable<Awaited<ReturnType<StorageReader['readCurrent']>>>;

function deleteResult(o: DeleteOutcome): EntryResult {
  return o.version === undefined ? { status: 204 } : { status: 200, version: o.version };
}

export async function transaction(
  core: EngineCore,
  entries: JsonObject[],
  prefer: Preferences,
  ctx: RequestContext,
  dispatchRead: ReadDispatcher,
): Promise<FhirResponse> {
  if (entries.length > core.deps.options.maxBundleEntries) {
    throw errors.payloadTooLarge(`The Bundle has ${entries.length} entries; the maximum is ${core.deps.options.maxBundleEntries}`);
  }
  const planned = entries.map((e, i) => planEntry(e, i, ctx.baseUrl));
  for (const p of planned) {
    if (p.op.kind === 'create' || p.op.kind === 'update') {
      try {
        core.checkType(p.op.type);
        if (p.op.kind === 'update') checkUpdateBody(core, p.resource, p.op.type, p.op.id, `${p.path}.resource`);
        else core.bodyAs(p.resource, p.op.type, `${p.path}.resource`);
      } catch (e) {
        failEntry(p, e);
      }
    }
  }
  const { plans, refMap } = assignIds(planned);
  const results = new Array<EntryResult>(planned.length);

  const ordered = [...planned].sort((a, b) => (ORDER[a.op.kind] ?? 3) - (ORDER[b.op.kind] ?? 3) || a.index - b.index);
  const planOf = new Map(plans.map((p) => [p.entry.index, p]));

  await core.storage.transaction(async (tx) => {
    // DELETE entries first (FHIR order): a conditional create must not match what the Bundle deletes.
    for (const entry of ordered) {
      const op = entry.op;
      try {
        if (op.kind === 'delete') results[entry.index] = deleteResult(await commitDelete(core, tx, ctx, op.type, op.id, parseIfMatch(entry.ifMatch)));
        else if (op.kind === 'conditional-delete') results[entry.index] = deleteResult(await commitConditionalDelete(core, tx, ctx, op.type, entry.query));
      } catch (e) {
        failEntry(entry, e);
      }
    }
    for (const plan of plans) {
      const ifNoneExist = plan.entry.ifNoneExist;
      if (plan.entry.op.kind !== 'create' || ifNoneExist === undefined) continue;
      const matches = await findMatches(core, tx, ctx, plan.type, parseCriteria(ifNoneExist), 2).catch((e) => failEntry(plan.entry, e));
      if (matches.length > 1) failEntry(plan.entry, errors.multipleMatches(`ifNoneExist '${ifNoneExist}' matches several ${plan.type} resources`));
      if (matches.length === 1) {
        plan.existing = matches[0]!;
        for (const [k, v] of refMap) if (v === `${plan.type}/${plan.id}`) refMap.set(k, `${plan.type}/${plan.existing}`);
      }
    }
    for (const plan of plans) {
      if (plan.existing !== undefined) continue;
      try {
        await rewriteAll(core, tx, ctx, plan, refMap);
        plan.prepared = core.preparer.prepare(plan.entry.resource!, plan.type, plan.id, ctx, `${plan.entry.path}.resource`);
      } catch (e) {
        failEntry(plan.entry, e);
      }
    }
    for (const entry of ordered) {
      try {
        const op = entry.op;
        if (op.kind === 'create' || op.kind === 'update') {
          const plan = planOf.get(entry.index)!;
          if (plan.existing !== undefined) {
            const v = await tx.readCurrent(plan.type, plan.existing);
            results[entry.index] = writeResult({ existingJson: v! }, ctx);
          } else if (op.kind === 'create') {
            const o = await commitCreate(core, tx, ctx, plan.prepared!, undefined, false);
            results[entry.index] = writeResult(o as WriteOutcome, ctx);
          } else {
            results[entry.index] = writeResult(await commitUpdate(core, tx, ctx, plan.prepared!, parseIfMatch(entry.ifMatch), `${entry.path}.resource`, false), ctx);
          }
        }
      } catch (e) {
        failEntry(entry, e);
      }
    }
    for (const plan of plans) {
      if (plan.prepared) await checkLinks(tx, plan.prepared.links, core.exposed).catch((e) => failEntry(plan.entry, e));
    }
    for (const entry of ordered) {
      if (entry.method !== 'GET' && entry.method !== 'HEAD') continue;
      const headers: RequestHeaders = {};
      if (entry.ifNoneMatch !== undefined) headers.ifNoneMatch = entry.ifNoneMatch;
      const r = await dispatchRead(entry, tx, headers).catch((e) => failEntry(entry, e));
      const body = r.body;
      const res: EntryResult = { status: r.status };
      if (body?.kind === 'json') res.json = body.json;
      else if (body?.kind === 'resource') res.resource = body.resource;
      results[entry.index] = res;
    }
  });

  const out = results.map((r, i) => responseEntry(r, planned[i]!, prefer));
  const audit = {
    resources: results.map((r, i) => r.fullUrl?.slice(ctx.baseUrl.length + 1) ?? planned[i]!.url),
    patients: [...new Set(plans.map((p) => p.prepared?.compartment.patientId).filter((x): x is string => !!x))],
  };
  return { status: 200, headers: {}, body: { kind: 'json', json: bundleJson({ type: 'transaction-response', timestamp: instant(core.now()) }, out) }, audit };
}

function responseEntry(r: EntryResult, entry: PlannedEntry, prefer: Preferences): string {
  const response: Record<string, unknown> = { status: statusLine(r.status) };
  if (r.location !== undefined) response.location = r.location;
  if (r.version !== undefined) response.etag = etag(r.version);
  if (r.lastUpdated !== undefined) response.lastModified = instant(r.lastUpdated);
  const isWrite = entry.method === 'POST' || entry.method === 'PUT';
  if (isWrite && prefer.return === 'OperationOutcome') {
    response.outcome = toOperationOutcome([issue('informational', `${statusLine(r.status)}: ${r.fullUrl ?? entry.url}`, undefined, 'information')]);
  }
  const withResource = !isWrite || prefer.return === undefined || prefer.return === 'representation';
  const parts: Parameters<typeof entryJson>[0] = { rest: { response } };
  if (r.fullUrl !== undefined) parts.fullUrl = r.fullUrl;
  if (withResource && typeof r.json === 'string') parts.resourceJson = r.json;
  else if (withResource && r.resource) parts.resourceJson = JSON.stringify(r.resource);
  return entryJson(parts);
}

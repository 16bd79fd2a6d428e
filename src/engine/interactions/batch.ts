/** Batch Bundles: every entry is an independent request; failures are reported per entry. */
import { FhirError, toOperationOutcome } from '../../fhir/errors.js';
import { bundleJson, entryJson } from '../bundle-json.js';
import { planEntry } from '../bundle-entries.js';
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirRequest, FhirResponse } from '../fhir-request.js';
import { instant } from '../resource-ids.js';
import { errors } from '../../fhir/errors.js';
import { splitEntryUrl } from '../operation.js';
import type { JsonObject } from '../write/prepare.js';
import { statusLine } from './transaction.js';

export type RequestHandler = (req: FhirRequest, ctx: RequestContext) => Promise<FhirResponse>;

export async function batch(core: EngineCore, entries: JsonObject[], ctx: RequestContext, handle: RequestHandler, preferHeader?: string): Promise<FhirResponse> {
  if (entries.length > core.deps.options.maxBundleEntries) {
    throw errors.payloadTooLarge(`The Bundle has ${entries.length} entries; the maximum is ${core.deps.options.maxBundleEntries}`);
  }
  const out: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    try {
      const p = planEntry(entries[i]!, i, ctx.baseUrl);
      const { path } = splitEntryUrl(p.url, ctx.baseUrl);
      const req: FhirRequest = {
        method: p.method,
        path: p.method === 'POST' && path.length === 2 ? [path[0]!] : path,
        query: p.query,
        body: p.resource,
        headers: {},
      };
      if (p.ifMatch !== undefined) req.headers.ifMatch = p.ifMatch;
      if (p.ifNoneMatch !== undefined) req.headers.ifNoneMatch = p.ifNoneMatch;
      if (p.ifNoneExist !== undefined) req.headers.ifNoneExist = p.ifNoneExist;
      if (preferHeader !== undefined) req.headers.prefer = preferHeader;
      const r = await handle(req, ctx);
      const response: Record<string, unknown> = { status: statusLine(r.status) };
      if (r.headers.location) response.location = r.headers.location;
      if (r.headers.etag) response.etag = r.headers.etag;
      if (r.headers['last-modified']) response.lastModified = new Date(r.headers['last-modified']).toISOString();
      const parts: Parameters<typeof entryJson>[0] = { rest: { response } };
      if (r.body?.kind === 'json') parts.resourceJson = r.body.json;
      else if (r.body?.kind === 'resource') parts.resourceJson = JSON.stringify(r.body.resource);
      out.push(entryJson(parts));
    } catch (e) {
      if (!(e instanceof FhirError)) throw e;
      out.push(entryJson({ rest: { response: { status: String(e.status), outcome: toOperationOutcome(e.issues) } } }));
    }
  }
  return { status: 200, headers: {}, body: { kind: 'json', json: bundleJson({ type: 'batch-response', timestamp: instant(core.now()) }, out) } };
}

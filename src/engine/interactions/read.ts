/** read and vread, with conditional read (If-None-Match, If-Modified-Since) and raw Binary content. */
import { errors } from '../../fhir/errors.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse, RequestHeaders } from '../fhir-request.js';
import { parseETag } from '../resource-ids.js';
import { storedResponse, versionHeaders } from '../responses.js';
import type { StorageReader, StoredVersion } from '../storage-port.js';
import { auditedResources } from '../audited-resources.js';
import type { RequestContext } from '../engine-deps.js';

const auditOf = (reader: StorageReader, v: StoredVersion, withVersion: boolean) =>
  auditedResources(reader, [v], (x) => (withVersion ? `${x.type}/${x.id}/_history/${x.version}` : `${x.type}/${x.id}`));

/** `v` was read under the caller's access constraint: its bytes (Binary) may be fetched. */
async function present(core: EngineCore, reader: StorageReader, v: StoredVersion, headers: RequestHeaders): Promise<FhirResponse> {
  if (v.type !== 'Binary') return storedResponse(v);
  const data = (await core.binaries.get({ type: v.type, id: v.id, version: v.version }, reader)) ?? Buffer.alloc(0);
  const resource = JSON.parse(v.json ?? '{}') as { contentType?: string };
  if (headers.acceptsFhir) {
    return { status: 200, headers: versionHeaders(v), body: { kind: 'resource', resource: { ...resource, data: data.toString('base64') } } };
  }
  return { status: 200, headers: versionHeaders(v), body: { kind: 'binary', contentType: resource.contentType ?? 'application/octet-stream', data } };
}

function notModified(v: StoredVersion, headers: RequestHeaders): boolean {
  if (headers.ifNoneMatch !== undefined) return parseETag(headers.ifNoneMatch) === v.version;
  if (headers.ifModifiedSince !== undefined) {
    const since = Date.parse(headers.ifModifiedSince);
    return !Number.isNaN(since) && Math.floor(v.lastUpdated / 1000) * 1000 <= since;
  }
  return false;
}

export async function read(
  core: EngineCore,
  reader: StorageReader,
  type: string,
  id: string,
  headers: RequestHeaders,
  ctx: RequestContext,
): Promise<FhirResponse> {
  core.checkType(type);
  core.checkId(id);
  const access = ctx.auth.access(type, 'read');
  const v = await reader.readCurrent(type, id, access);
  if (!v) throw errors.resourceNotFound(type, id);
  if (v.deleted) throw errors.gone(type, id, v.version);
  if (notModified(v, headers)) return { status: 304, headers: versionHeaders(v), audit: await auditOf(reader, v, false) };
  return { ...(await present(core, reader, v, headers)), audit: await auditOf(reader, v, false) };
}

export async function vread(
  core: EngineCore,
  reader: StorageReader,
  type: string,
  id: string,
  vid: string,
  headers: RequestHeaders,
  ctx: RequestContext,
): Promise<FhirResponse> {
  core.checkType(type);
  core.checkId(id);
  if (!/^[1-9]\d{0,9}$/.test(vid)) throw errors.versionNotFound(type, id, vid);
  const access = ctx.auth.access(type, 'read');
  const v = await reader.readVersion(type, id, Number(vid), access);
  if (!v) throw errors.versionNotFound(type, id, vid);
  if (v.deleted) throw errors.gone(type, id, v.version);
  return { ...(await present(core, reader, v, headers)), audit: await auditOf(reader, v, true) };
}

/** update (incl. update-as-create with a client-chosen id) with If-Match version checks. */
import { errors } from '../../fhir/errors.js';
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse, Preferences } from '../fhir-request.js';
import { parseETag } from '../resource-ids.js';
import { writeResponse } from '../responses.js';
import { authorizeWrite } from '../access/write-rules.js';
import { writeProvenance } from '../audit/provenance-writer.js';
import { auditOfWrite } from './create.js';
import { checkNoteUpdate } from '../rules/note-update.js';
import type { StorageTx } from '../storage-port.js';
import { checkIfMatch, checkLinks, commitVersion, type WriteOutcome } from '../write/commit.js';
import type { PreparedResource } from '../write/prepare.js';

export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const v = parseETag(header);
  if (v === undefined) throw errors.badRequest(`If-Match '${header}' is not a version tag such as W/"3"`);
  return v;
}

/** The storage half of an update (also used by transactions). */
export async function commitUpdate(
  core: EngineCore,
  tx: StorageTx,
  ctx: RequestContext,
  prepared: PreparedResource,
  ifMatch: number | undefined,
  path: string,
  checkReferences = true,
): Promise<WriteOutcome> {
  const current = await tx.readForUpdate(prepared.type, prepared.id);
  await authorizeWrite(ctx.auth, tx, 'update', prepared.type, prepared.id, current, prepared);
  checkIfMatch(ifMatch, current, prepared.type, prepared.id);
  if (prepared.type === 'DocumentReference' && current && !current.deleted && current.json) {
    checkNoteUpdate(JSON.parse(current.json), prepared.resource, path);
  }
  if (checkReferences) await checkLinks(tx, prepared.links, core.exposed);
  const outcome = await commitVersion(tx, prepared, current, core.now(), 'PUT', core.binaries);
  const authors = (prepared.resource.author as Array<{ reference?: string }>) ?? [];
  await writeProvenance(core, tx, ctx, outcome, outcome.created ? 'CREATE' : 'UPDATE', authors);
  return outcome;
}

/** Checks the body of `PUT [type]/[id]`: same type, and an id equal to the URL's. */
export function checkUpdateBody(core: EngineCore, body: unknown, type: string, id: string, where = type) {
  const resource = core.bodyAs(body, type, where);
  if (resource.id === undefined) throw errors.badRequest(`The resource in an update must carry its id ('${id}')`, `${where}.id`);
  if (resource.id !== id) throw errors.badRequest(`The resource id '${String(resource.id)}' does not match the URL's id '${id}'`, `${where}.id`);
  return resource;
}

export async function update(
  core: EngineCore,
  type: string,
  id: string,
  body: unknown,
  ifMatchHeader: string | undefined,
  prefer: Preferences,
  ctx: RequestContext,
): Promise<FhirResponse> {
  core.checkType(type);
  core.checkId(id);
  const ifMatch = parseIfMatch(ifMatchHeader);
  const resource = checkUpdateBody(core, body, type, id);
  const prepared = core.preparer.prepare(resource, type, id, ctx);
  const outcome = await core.storage.transaction((tx) => commitUpdate(core, tx, ctx, prepared, ifMatch, type));
  return { ...writeResponse(outcome, ctx, prefer), audit: auditOfWrite(outcome, prepared) };
}

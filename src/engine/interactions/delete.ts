/** delete and conditional delete; deletion keeps history and refuses to orphan referrers. */
import { errors } from '../../fhir/errors.js';
import { findMatches, parseCriteria, type Criteria } from '../conditional.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse } from '../fhir-request.js';
import { etag } from '../resource-ids.js';
import { outcomeResponse } from '../responses.js';
import type { StorageTx } from '../storage-port.js';
import { checkIfMatch, nextTimestamp } from '../write/commit.js';
import { parseIfMatch } from './update.js';
import { authorizeWrite } from '../access/write-rules.js';
import { writeProvenance } from '../audit/provenance-writer.js';
import type { RequestContext } from '../engine-deps.js';

export interface DeleteOutcome {
  type: string;
  id: string;
  patientId?: string | null;
  /** The version number of the deletion; undefined when the resource was already deleted. */
  version?: number;
}

/** The storage half of a delete (also used by transactions). */
export async function commitDelete(
  core: EngineCore,
  tx: StorageTx,
  ctx: RequestContext,
  type: string,
  id: string,
  ifMatch: number | undefined,
): Promise<DeleteOutcome> {
  const current = await tx.readForUpdate(type, id);
  if (!current) throw errors.resourceNotFound(type, id);
  await authorizeWrite(ctx.auth, tx, 'delete', type, id, current, undefined);
  if (current.deleted) return { type, id };
  checkIfMatch(ifMatch, current, type, id);
  const referrers = await tx.referencedBy(type, id, 6);
  if (referrers.length > 0) {
    // Only a system client is told which: a referrer may be a note hidden from the caller.
    const names = ctx.auth.isSystem(type, 'delete')
      ? `${referrers.slice(0, 5).map((r) => `${r.targetType}/${r.targetId}`).join(', ')}${referrers.length > 5 ? ' and others' : ''}`
      : `${referrers.length > 5 ? 'more than 5' : referrers.length} other resource${referrers.length > 1 ? 's' : ''}`;
    throw errors.conflict(`${type}/${id} cannot be deleted: it is referenced by ${names}`);
  }
  const version = current.version + 1;
  const lastUpdated = nextTimestamp(core.now(), current);
  await tx.deleteVersion({ type, id, version, lastUpdated });
  const authors = (JSON.parse(current.json ?? '{}') as { author?: Array<{ reference?: string }> }).author ?? [];
  await writeProvenance(core, tx, ctx, { type, id, version, lastUpdated }, 'DELETE', authors);
  return { type, id, version, patientId: current.patientId ?? null };
}

function deleteResponse(o: DeleteOutcome): FhirResponse {
  const audit = { resources: [`${o.type}/${o.id}`], patients: o.patientId ? [o.patientId] : [] };
  if (o.version === undefined) return { ...outcomeResponse(200, `${o.type}/${o.id} was already deleted`), audit };
  return { ...outcomeResponse(200, `Deleted ${o.type}/${o.id} (version ${o.version})`, { etag: etag(o.version) }), audit };
}

export async function deleteResource(core: EngineCore, type: string, id: string, ifMatchHeader: string | undefined, ctx: RequestContext): Promise<FhirResponse> {
  core.checkType(type);
  core.checkId(id);
  const ifMatch = parseIfMatch(ifMatchHeader);
  return deleteResponse(await core.storage.transaction((tx) => commitDelete(core, tx, ctx, type, id, ifMatch)));
}

/** Resolves a conditional delete's single match inside the transaction. */
export async function commitConditionalDelete(core: EngineCore, tx: StorageTx, ctx: RequestContext, type: string, criteria: Criteria): Promise<DeleteOutcome> {
  const matches = await findMatches(core, tx, ctx, type, criteria, 2);
  if (matches.length === 0) throw errors.notFound(`No ${type} matches the conditional delete criteria`);
  if (matches.length > 1) throw errors.multipleMatches(`Several ${type} resources match the conditional delete criteria; refine them to a single match`);
  return commitDelete(core, tx, ctx, type, matches[0]!, undefined);
}

export async function conditionalDelete(core: EngineCore, type: string, query: Array<[string, string]>, ctx: RequestContext): Promise<FhirResponse> {
  core.checkType(type);
  return deleteResponse(await core.storage.transaction((tx) => commitConditionalDelete(core, tx, ctx, type, query)));
}

export { parseCriteria };

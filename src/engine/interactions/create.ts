/** create, with conditional create (If-None-Exist). */
import { errors } from '../../fhir/errors.js';
import { authorizeWrite } from '../access/write-rules.js';
import { writeProvenance } from '../audit/provenance-writer.js';
import { findMatches, parseCriteria } from '../conditional.js';
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import type { FhirResponse, Preferences } from '../fhir-request.js';
import { newId } from '../resource-ids.js';
import { storedResponse, versionHeaders, versionLocation, writeResponse } from '../responses.js';
import type { StorageTx } from '../storage-port.js';
import { checkLinks, commitVersion, type WriteOutcome } from '../write/commit.js';
import type { PreparedResource } from '../write/prepare.js';

/** Result of a conditional create that found an existing match. */
export interface ExistingMatch {
  existing: { type: string; id: string };
}

/** The storage half of a create (also used by transactions). */
export async function commitCreate(
  core: EngineCore,
  tx: StorageTx,
  ctx: RequestContext,
  prepared: PreparedResource,
  ifNoneExist?: string,
  checkReferences = true,
): Promise<WriteOutcome | ExistingMatch> {
  await authorizeWrite(ctx.auth, tx, 'create', prepared.type, prepared.id, undefined, prepared);
  if (ifNoneExist !== undefined) {
    const matches = await findMatches(core, tx, ctx, prepared.type, parseCriteria(ifNoneExist), 2);
    if (matches.length > 1) throw errors.multipleMatches(`If-None-Exist '${ifNoneExist}' matches several ${prepared.type} resources`);
    if (matches.length === 1) return { existing: { type: prepared.type, id: matches[0]! } };
  }
  if (checkReferences) await checkLinks(tx, prepared.links, core.exposed);
  const outcome = await commitVersion(tx, prepared, undefined, core.now(), 'POST', core.binaries);
  await writeProvenance(core, tx, ctx, outcome, 'CREATE', (prepared.resource.author as Array<{ reference?: string }>) ?? []);
  return outcome;
}

export async function create(
  core: EngineCore,
  type: string,
  body: unknown,
  ifNoneExist: string | undefined,
  prefer: Preferences,
  ctx: RequestContext,
): Promise<FhirResponse> {
  core.checkType(type);
  const resource = core.bodyAs(body, type);
  const prepared = core.preparer.prepare(resource, type, newId(), ctx);
  const result = await core.storage.transaction(async (tx) => {
    const r = await commitCreate(core, tx, ctx, prepared, ifNoneExist);
    // A conditional create that matched answers 200 with the existing resource.
    return 'existing' in r ? { existing: await tx.readCurrent(r.existing.type, r.existing.id) } : r;
  });
  if ('existing' in result) {
    const v = result.existing!;
    const response = prefer.return === 'minimal' ? { status: 200, headers: versionHeaders(v) } : storedResponse(v);
    response.headers.location = versionLocation(ctx, v.type, v.id, v.version);
    return { ...response, audit: { resources: [`${v.type}/${v.id}`], patients: v.patientId ? [v.patientId] : [] } };
  }
  return { ...writeResponse(result, ctx, prefer), audit: auditOfWrite(result, prepared) };
}

export const auditOfWrite = (o: WriteOutcome, p: PreparedResource) => ({
  resources: [`${o.type}/${o.id}/_history/${o.version}`],
  patients: p.compartment.patientId ? [p.compartment.patientId] : [],
});

/** Writes the Provenance of a note change inside the same storage transaction as the change. */
import type { RequestContext } from '../engine-deps.js';
import type { EngineCore } from '../engine-core.js';
import { instant, newId } from '../resource-ids.js';
import type { StorageTx } from '../storage-port.js';
import { commitVersion } from '../write/commit.js';
import { provenanceFor, type Activity } from './provenance.js';

/** Resource types whose every change is recorded by a Provenance. */
export const PROVENANCED: ReadonlySet<string> = new Set(['DocumentReference']);

export async function writeProvenance(
  core: EngineCore,
  tx: StorageTx,
  ctx: RequestContext,
  target: { type: string; id: string; version: number; lastUpdated: number },
  activity: Activity,
  authors: Array<{ reference?: string }>,
): Promise<void> {
  if (!PROVENANCED.has(target.type) || !core.exposed.has('Provenance')) return;
  const resource = provenanceFor(target, activity, instant(target.lastUpdated), ctx.auth.caller, authors);
  const prepared = core.preparer.prepare(resource, 'Provenance', newId(), ctx);
  await commitVersion(tx, prepared, undefined, target.lastUpdated, 'POST', core.binaries);
}

/**
 * The storage half of a write, run inside a storage transaction: version checks, referential
 * integrity, and the new version (with its externalized Binaries) written.
 */
import { errors, issue, FhirError } from '../../fhir/errors.js';
import { etag, instant } from '../resource-ids.js';
import type { BinaryStore } from '../binary-store.js';
import type { LocatedLink } from '../references.js';
import type { StorageTx, StoredVersion, VersionWrite } from '../storage-port.js';
import { binaryResourceFor, finalizeJson, type PreparedResource } from './prepare.js';

export interface WriteOutcome {
  type: string;
  id: string;
  version: number;
  lastUpdated: number;
  /** JSON text as stored; null for a deletion. */
  json: string | null;
  created: boolean;
}

/** The lastUpdated of a new version: now, but never before the previous version's. */
export const nextTimestamp = (now: number, previous: StoredVersion | undefined): number =>
  previous && previous.lastUpdated >= now ? previous.lastUpdated + 1 : now;

/** Throws 412 when an If-Match version tag does not name the current version. */
export function checkIfMatch(ifMatch: number | undefined, current: StoredVersion | undefined, type: string, id: string): void {
  if (ifMatch === undefined) return;
  if (!current || current.deleted) throw errors.preconditionFailed(`If-Match ${etag(ifMatch)}: ${type}/${id} has no current version`);
  if (current.version !== ifMatch) {
    throw errors.preconditionFailed(`If-Match ${etag(ifMatch)} does not match the current version ${etag(current.version)} of ${type}/${id}`);
  }
}

/** Writes a prepared resource as the version after `previous` (version 1 when none); Binary bytes go to `binaries`. */
export async function commitVersion(
  tx: StorageTx,
  prepared: PreparedResource,
  previous: StoredVersion | undefined,
  now: number,
  method: 'POST' | 'PUT',
  binaries: BinaryStore,
): Promise<WriteOutcome> {
  const version = previous ? previous.version + 1 : 1;
  const lastUpdated = nextTimestamp(now, previous);
  const stamp = instant(lastUpdated);
  const json = finalizeJson(prepared.resource, version, stamp);
  const c = prepared.compartment;
  const write: VersionWrite = {
    type: prepared.type,
    id: prepared.id,
    version,
    lastUpdated,
    method,
    json,
    index: prepared.index,
    links: prepared.links.map(({ targetType, targetId }) => ({ targetType, targetId })),
    patientId: c.patientId,
    labelMask: prepared.labelMask,
    memberships: prepared.memberships,
  };
  if (c.owner) write.owner = { targetType: c.owner.type, targetId: c.owner.id };
  await tx.writeVersion(write);
  if (prepared.blob) await binaries.put({ type: prepared.type, id: prepared.id, version }, prepared.blob, tx);
  // Attachments moved to Binaries follow the note's access rules (their owner, written first).
  for (const b of prepared.binaries) {
    await tx.writeVersion({
      type: 'Binary',
      id: b.id,
      version: 1,
      lastUpdated,
      method: 'POST',
      json: finalizeJson(binaryResourceFor(b, prepared.type, prepared.id), 1, stamp),
      index: [],
      links: [],
      patientId: '',
      labelMask: 0,
      owner: { targetType: prepared.type, targetId: prepared.id },
      memberships: [],
    });
    await binaries.put({ type: 'Binary', id: b.id, version: 1 }, b.data, tx);
  }
  return { type: prepared.type, id: prepared.id, version, lastUpdated, json, created: !previous || previous.deleted };
}

/**
 * Referential integrity: every `Type/id` reference must name a current resource (the storage
 * transaction sees the writes made before it, so resources created in the same Bundle count).
 */
export async function checkLinks(tx: StorageTx, links: LocatedLink[], exposedTypes: ReadonlySet<string>): Promise<void> {
  if (links.length === 0) return;
  const found = await tx.existing(links.filter((l) => exposedTypes.has(l.targetType)));
  const missing = links.filter((l) => !found.has(`${l.targetType}/${l.targetId}`));
  const issues = missing.map((l) => issue('not-found', `${l.path}: ${l.targetType}/${l.targetId} does not exist on this server`, l.path));
  // A versioned reference (Type/id/_history/n) must name a version that exists (and is no deletion).
  for (const l of links) {
    if (!l.versions || !found.has(`${l.targetType}/${l.targetId}`)) continue;
    for (const { version, path } of l.versions) {
      const v = await tx.readVersion(l.targetType, l.targetId, version);
      if (!v || v.deleted) issues.push(issue('not-found', `${path}: ${l.targetType}/${l.targetId} has no version ${version}`, path));
    }
  }
  if (issues.length === 0) return;
  throw new FhirError(422, issues);
}

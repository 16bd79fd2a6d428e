/**
 * What the AuditEvents of a read name (BALP): the resources returned and the patients whose
 * notebooks they belong to — a version's own notebook, or, for the resources that have none of
 * their own (Binary, Provenance), the notebook of the resource they belong to.
 */
import { compartmentOf } from './access/compartment.js';
import type { StorageReader, StoredVersion } from './storage-port.js';

const DEPENDENT = new Set(['Binary', 'Provenance']);

export interface AuditedResources {
  /** Every resource shown (`refOf` of each version). */
  resources: string[];
  /** The notebooks concerned, in order of first appearance. */
  patients: string[];
  /** Per notebook, the resources of it that were shown; resources of no notebook are in none. */
  byPatient: Record<string, string[]>;
}

/** What an AuditEvent of a read returning `versions` names (`refOf`: how each is written). */
export async function auditedResources(reader: StorageReader, versions: StoredVersion[], refOf: (v: StoredVersion) => string): Promise<AuditedResources> {
  const out: AuditedResources = { resources: [], patients: [], byPatient: {} };
  const ownerPatient = new Map<string, string | null | undefined>();
  for (const v of versions) {
    const ref = refOf(v);
    out.resources.push(ref);
    let patient = v.patientId ?? undefined;
    if (!patient && DEPENDENT.has(v.type) && v.json) {
      const owner = compartmentOf(JSON.parse(v.json) as Record<string, unknown>).owner;
      if (owner) {
        const key = `${owner.type}/${owner.id}`;
        if (!ownerPatient.has(key)) ownerPatient.set(key, (await reader.readCurrent(owner.type, owner.id))?.patientId);
        patient = ownerPatient.get(key) ?? undefined;
      }
    }
    if (!patient) continue;
    const list = out.byPatient[patient];
    if (list) list.push(ref);
    else {
      out.patients.push(patient);
      out.byPatient[patient] = [ref];
    }
  }
  return out;
}


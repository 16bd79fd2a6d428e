/**
 * The patients an AuditEvent names for what a read returned (BALP: the patient entity): a
 * version's own notebook, or, for the resources that have none of their own (Binary, Provenance),
 * the notebook of the resource they belong to.
 */
import { compartmentOf } from './access/compartment.js';
import type { StorageReader, StoredVersion } from './storage-port.js';

const DEPENDENT = new Set(['Binary', 'Provenance']);

export async function auditPatients(reader: StorageReader, versions: StoredVersion[]): Promise<string[]> {
  const out = new Set<string>();
  const ownerPatient = new Map<string, string | null | undefined>();
  for (const v of versions) {
    if (v.patientId) {
      out.add(v.patientId);
      continue;
    }
    if (!DEPENDENT.has(v.type) || !v.json) continue;
    const owner = compartmentOf(JSON.parse(v.json) as Record<string, unknown>).owner;
    if (!owner) continue;
    const key = `${owner.type}/${owner.id}`;
    if (!ownerPatient.has(key)) ownerPatient.set(key, (await reader.readCurrent(owner.type, owner.id))?.patientId);
    const patient = ownerPatient.get(key);
    if (patient) out.add(patient);
  }
  return [...out];
}

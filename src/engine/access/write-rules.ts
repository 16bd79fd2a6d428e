/**
 * Who may write what (checked inside the storage transaction, against current data):
 * - AuditEvent and Provenance are written by the server only;
 * - with user/patient scopes: a note's subject must be in the caller's circle and its authors
 *   must include the caller; only an author updates, deactivates or deletes a note; CareTeams,
 *   Patients, Binaries and the directory (Practitioner, PractitionerRole, Organization, Device:
 *   what tells who a caller is and which circles it belongs to) are created, updated and
 *   deleted by system clients (a Patient in the caller's circle may be updated); other
 *   patient-scoped resources (RelatedPerson) must be in the caller's circle (before and after
 *   the change), and a user may not change what makes a Patient or RelatedPerson a circle
 *   member or a legal representative (active, patient, period, relationship), nor delete a
 *   RelatedPerson;
 * - system clients write anything else, on behalf of the authors they name.
 */
import { errors } from '../../fhir/errors.js';
import type { ResourceRef } from '../access-constraint.js';
import { parseRelativeReference } from '../resource-ids.js';
import type { StorageTx, StoredVersion } from '../storage-port.js';
import type { PreparedResource } from '../write/prepare.js';
import { membershipsOf } from './circle-memberships.js';
import { RESTRICTED } from './compartment.js';
import type { RequestAuth } from './request-auth.js';
import { isLegalRepresentative } from './resolve-caller.js';

export const SERVER_WRITTEN: ReadonlySet<string> = new Set(['AuditEvent', 'Provenance']);
/**
 * Types only system clients create or delete: a new notebook, its circle, raw content, and the
 * directory the caller's identity, category and circle memberships are read from.
 */
const SYSTEM_MANAGED: ReadonlySet<string> = new Set(['CareTeam', 'Patient', 'Binary', 'Practitioner', 'PractitionerRole', 'Organization', 'Device']);
/** Of those, the ones a user in the circle may still update (e.g. correct the patient's address). */
const USER_UPDATABLE: ReadonlySet<string> = new Set(['Patient']);
/** Types whose circle-defining content (membershipKey) users may not change, nor delete. */
const CIRCLE_DEFINING: ReadonlySet<string> = new Set(['Patient', 'RelatedPerson']);

type Json = Record<string, unknown>;

function authorsOf(resource: Json): ResourceRef[] {
  const out: ResourceRef[] = [];
  for (const a of (resource.author as Array<{ reference?: string }> | undefined) ?? []) {
    const r = parseRelativeReference(String(a?.reference ?? ''));
    if (r) out.push({ type: r.type, id: r.id });
  }
  return out;
}

/** What makes a Patient or RelatedPerson a circle member and gives its category. */
const membershipKey = (r: Json): string =>
  JSON.stringify({ active: r.active !== false, memberships: membershipsOf(r), legal: r.resourceType === 'RelatedPerson' && isLegalRepresentative(r) });

const sameRef = (a: ResourceRef, b: ResourceRef) => a.type === b.type && a.id === b.id;

function isAuthor(auth: RequestAuth, resource: Json): boolean {
  const authors = authorsOf(resource);
  return authors.some((a) => auth.caller.authorRefs.some((c) => sameRef(a, c)));
}

/** 403 unless the notebook of `patientId` is open to the caller (as seen inside `tx`). */
async function checkNotebookOpen(auth: RequestAuth, tx: StorageTx, type: string, patientId: string | null): Promise<void> {
  if (patientId === null) return;
  if (auth.caller.category === 'device') {
    // A device writes into the notebook of the patient it is attached to, without reading it.
    if (auth.caller.patients.includes(patientId)) return;
    throw errors.forbidden(`This device is not attached to the patient of this ${type}`);
  }
  const visible = patientId !== RESTRICTED && (await tx.readCurrent('Patient', patientId, auth.access('Patient', 'read')).catch(() => undefined));
  if (!visible) throw errors.forbidden(`This ${type} belongs to a notebook that is not open to the caller (not in the circle of care)`);
}

export type WriteInteraction = 'create' | 'update' | 'delete';

/** Throws 403 (or 404 when the current resource is hidden from the caller) unless the write is allowed. */
export async function authorizeWrite(
  auth: RequestAuth,
  tx: StorageTx,
  interaction: WriteInteraction,
  type: string,
  id: string,
  current: StoredVersion | undefined,
  prepared: PreparedResource | undefined,
): Promise<void> {
  if (SERVER_WRITTEN.has(type)) throw errors.forbidden(`${type} resources are written by the server only`);
  const context = auth.context(type, interaction === 'create' || (interaction === 'update' && (!current || current.deleted)) ? 'create' : interaction);
  if (context === 'system') return;
  const existing = current && !current.deleted ? current : undefined;
  // What the caller cannot see does not exist for it (a deleted resource too: "already deleted" would tell).
  if (existing || (current && interaction === 'delete')) {
    const visible = await tx.readCurrent(type, id, auth.access(type, 'read'));
    if (!visible) throw errors.resourceNotFound(type, id);
  }
  if (SYSTEM_MANAGED.has(type) && !(existing && interaction === 'update' && USER_UPDATABLE.has(type))) {
    throw errors.forbidden(`${type} resources are created and deleted by system clients (coordination platform)`);
  }
  if (CIRCLE_DEFINING.has(type) && existing) {
    const unchanged = prepared !== undefined && membershipKey(JSON.parse(existing.json!) as Json) === membershipKey(prepared.resource);
    if (!unchanged) {
      throw errors.forbidden(
        `Only system clients (coordination platform) change who belongs to a circle of care: a user may not delete a ${type} nor change its active, patient, period or relationship`,
      );
    }
  }
  if (type === 'DocumentReference') {
    if (existing && !isAuthor(auth, JSON.parse(existing.json!) as Json)) {
      throw errors.forbidden('Only an author of a note may update, deactivate or delete it');
    }
    if (prepared && !isAuthor(auth, prepared.resource)) {
      throw errors.forbidden("The note's authors must include the caller (or the caller's Practitioner/PractitionerRole)");
    }
  }
  if (prepared) await checkNotebookOpen(auth, tx, type, prepared.compartment.patientId);
}

/**
 * Who is calling, as established from the verified token AND the server's own data (never from
 * request parameters): category, the references that make it a circle member or an author, its
 * scopes. `accessFor` turns it into the storage access constraint of a read.
 */
import type { Principal, Scope, ScopeContext } from '../../security/principal.js';
import type { AccessConstraint, ResourceRef } from '../access-constraint.js';
import { ALL_LABELS, LABEL_BITS } from './audience.js';

export type CallerCategory =
  | 'health-professional'
  | 'social-professional'
  | 'professional'
  | 'third-person'
  | 'legal-representative'
  | 'patient'
  | 'organization'
  | 'device'
  | 'system';

export interface Caller {
  category: CallerCategory;
  /** The caller's own resource (fhirUser), when it has one. */
  self?: ResourceRef;
  /** References that make the caller a participant of a circle of care. */
  members: ResourceRef[];
  /** References that make the caller an author of a note. */
  authorRefs: ResourceRef[];
  /** Patients whose notebook is open to the caller directly (the patient themself, a device's patient). */
  patients: string[];
  scopes: Scope[];
  /** May read AuditEvents (scope on AuditEvent with `system` or an explicit auditor grant). */
  auditor: boolean;
  principal?: Principal;
}

/** Audience labels hidden from each category (JDV_J110 semantics). */
export const HIDDEN_LABELS: Record<CallerCategory, number> = {
  'health-professional': LABEL_BITS.MASQUE_PS,
  'social-professional': LABEL_BITS.MASQUE_PSOCIAL,
  // A professional whose profession is not known is hidden both professional restrictions.
  professional: LABEL_BITS.MASQUE_PS | LABEL_BITS.MASQUE_PSOCIAL,
  'third-person': LABEL_BITS.MASQUE_PT,
  'legal-representative': LABEL_BITS.MASQUE_PT | LABEL_BITS.INVISIBLE_REPRESENTANTS_LEGAUX,
  patient: LABEL_BITS.INVISIBLE_PATIENT,
  organization: ALL_LABELS,
  device: ALL_LABELS,
  system: 0,
};

/** The caller used when authentication is disabled (benchmarks, trusted deployments). */
export const SYSTEM_CALLER: Caller = {
  category: 'system',
  members: [],
  authorRefs: [],
  patients: [],
  scopes: [{ context: 'system', resourceType: '*', c: true, r: true, u: true, d: true, s: true }],
  auditor: true,
};

/**
 * The access constraint of a read in scope context `context`: system → unrestricted; user →
 * the caller's circle of care; patient → only the caller's own notebook.
 */
export function accessFor(caller: Caller, context: ScopeContext, now: number): AccessConstraint {
  if (context === 'system' || caller.category === 'system') return caller.auditor ? {} : { auditor: false };
  const hidden = HIDDEN_LABELS[caller.category];
  const circle =
    context === 'patient'
      ? { members: [], patients: caller.category === 'patient' ? caller.patients : [], at: now }
      : { members: caller.members, patients: caller.patients, at: now };
  const constraint: AccessConstraint = { circle, authors: caller.authorRefs, auditor: caller.auditor };
  if (hidden) constraint.hiddenLabels = hidden;
  return constraint;
}

/**
 * The notebook compartment of a resource: whose notebook it belongs to. Storage keeps it beside
 * each resource so that circle-of-care filters run inside queries.
 *
 * - patient-scoped types (Patient, DocumentReference, RelatedPerson, CareTeam, Device with a
 *   patient, AuditEvent) carry the patient's id;
 * - dependent types (Binary, Provenance) follow the resource they belong to (their owner);
 * - directory types (Practitioner, PractitionerRole, Organization, a Device without patient)
 *   belong to no notebook;
 * - a patient-scoped resource whose patient cannot be found is restricted to system callers.
 */
import { parseRelativeReference } from '../resource-ids.js';

/** Compartment value for "restricted: system callers only". */
export const RESTRICTED = '';

export interface Compartment {
  /** Patient id, null for directory resources, RESTRICTED when unknown. */
  patientId: string | null;
  /** The resource whose access rules this one follows (Binary, Provenance). */
  owner?: { type: string; id: string };
}

type Json = Record<string, unknown>;

const refOf = (v: unknown): string | undefined => {
  const r = (v as { reference?: unknown } | undefined)?.reference;
  return typeof r === 'string' ? r : undefined;
};

function patientOf(ref: string | undefined): string {
  const p = ref === undefined ? undefined : parseRelativeReference(ref);
  return p?.type === 'Patient' ? p.id : RESTRICTED;
}

function ownerOf(ref: string | undefined): Compartment {
  const p = ref === undefined ? undefined : parseRelativeReference(ref);
  return p ? { patientId: RESTRICTED, owner: { type: p.type, id: p.id } } : { patientId: RESTRICTED };
}

export function compartmentOf(resource: Json): Compartment {
  switch (resource.resourceType) {
    case 'Patient':
      return { patientId: String(resource.id) };
    case 'DocumentReference':
    case 'CareTeam':
      return { patientId: patientOf(refOf(resource.subject)) };
    case 'RelatedPerson':
      return { patientId: patientOf(refOf(resource.patient)) };
    case 'Device':
      return resource.patient === undefined ? { patientId: null } : { patientId: patientOf(refOf(resource.patient)) };
    case 'AuditEvent': {
      const entities = (resource.entity as Array<{ what?: unknown }> | undefined) ?? [];
      const patient = entities.map((e) => refOf(e.what)).find((r) => r?.startsWith('Patient/'));
      return { patientId: patientOf(patient) };
    }
    case 'Binary':
      return ownerOf(refOf(resource.securityContext));
    case 'Provenance':
      return ownerOf(refOf((resource.target as unknown[] | undefined)?.[0]));
    case 'Practitioner':
    case 'PractitionerRole':
    case 'Organization':
      return { patientId: null };
    default:
      return { patientId: RESTRICTED };
  }
}

/**
 * The actor resources of the seed data set (FR Core / Annuaire Santé shapes), built from the
 * plan's profiles and the server ids of what they reference.
 */
import { identifierSystems } from '../../fhir/terminology.js';
import {
  FR_CORE_IDENTIFIER_TYPE,
  FR_CORE_IDENTITY_RELIABILITY,
  FR_CORE_IDENTITY_STATUS,
  LOCAL_DEVICE_SYSTEM,
  LOCAL_RELATED_PERSON_SYSTEM,
  RELATIONS,
  V3_ROLE_CODE,
  PROFESSION_BY_KEY,
  type ProfessionKey,
} from './codes.js';
import type { Address, DeviceProfile, OrganizationProfile, PatientProfile, ProfessionalProfile, RelativeProfile } from './plan.js';

type Json = Record<string, unknown>;

const identifierType = (code: string) => ({ coding: [{ system: FR_CORE_IDENTIFIER_TYPE, code }] });

const fhirAddress = (a: Address, use: 'home' | 'work') => ({ use, type: 'physical', line: a.line, city: a.city, postalCode: a.postalCode, country: 'France' });

/** A phone number as stored (spaces removed). */
const telecomPhone = (value: string, use: 'home' | 'mobile' | 'work') => ({ system: 'phone', value: value.replace(/ /g, ''), use });

export function organizationResource(o: OrganizationProfile): Json {
  return {
    resourceType: 'Organization',
    identifier: [{ use: 'official', type: identifierType('IDNST'), system: identifierSystems.nationalStructure, value: o.idNatSt }],
    active: true,
    name: o.name,
    telecom: [telecomPhone(o.phone, 'work')],
    address: [fhirAddress(o.address, 'work')],
  };
}

export function practitionerResource(p: ProfessionalProfile): Json {
  const name: Json = { use: 'usual', family: p.family, given: [p.given] };
  if (p.profession.key === 'gp') name.prefix = ['DR'];
  else name.prefix = [p.sex === 'female' ? 'MME' : 'M'];
  return {
    resourceType: 'Practitioner',
    identifier: [{ use: 'official', type: identifierType('IDNPS'), system: identifierSystems.nationalProfessional, value: p.idNatPs }],
    active: true,
    name: [name],
    telecom: [telecomPhone(p.phone, 'work')],
    gender: p.sex,
  };
}

export function practitionerRoleResource(p: ProfessionalProfile, practitionerId: string, organizationId: string | undefined): Json {
  const role: Json = {
    resourceType: 'PractitionerRole',
    active: true,
    practitioner: { reference: `Practitioner/${practitionerId}`, display: `${p.given} ${p.family}` },
    code: [{ coding: [{ system: p.profession.system, code: p.profession.code, display: p.profession.display }] }],
  };
  if (organizationId) role.organization = { reference: `Organization/${organizationId}` };
  return role;
}

export function patientResource(p: PatientProfile): Json {
  const nir = p.ins.kind === 'NIR';
  return {
    resourceType: 'Patient',
    extension: [
      {
        url: FR_CORE_IDENTITY_RELIABILITY,
        extension: [{ url: 'identityStatus', valueCoding: { system: FR_CORE_IDENTITY_STATUS, code: nir ? 'VALI' : 'PROV' } }],
      },
    ],
    identifier: [
      {
        use: 'official',
        type: identifierType(nir ? 'INS-NIR' : 'INS-NIA'),
        system: nir ? identifierSystems.insNir : identifierSystems.insNia,
        value: p.ins.value,
      },
    ],
    active: true,
    name: [{ use: 'official', family: p.family, given: p.given }],
    telecom: [telecomPhone(p.phone, p.phone.startsWith('06') || p.phone.startsWith('07') ? 'mobile' : 'home')],
    gender: p.sex,
    birthDate: p.birthDate,
    address: [fhirAddress(p.address, 'home')],
  };
}

/** A relative's local identifier (the notebook software's own id for third persons). */
export const relativeIdentifier = (seed: number, r: RelativeProfile): string => `TIERS-${seed}-${r.patient + 1}-${r.ordinal + 1}`;

export function relatedPersonResource(seed: number, r: RelativeProfile, patientId: string): Json {
  const relation = RELATIONS[r.relation];
  const relationship: Json[] = [{ coding: [{ system: V3_ROLE_CODE, code: r.relation, display: relation.display }] }];
  if (r.guardian) relationship.push({ coding: [{ system: V3_ROLE_CODE, code: 'GUARD', display: 'guardian' }], text: 'Tuteur légal' });
  return {
    resourceType: 'RelatedPerson',
    identifier: [{ system: LOCAL_RELATED_PERSON_SYSTEM, value: relativeIdentifier(seed, r) }],
    active: true,
    patient: { reference: `Patient/${patientId}` },
    relationship,
    name: [{ use: 'usual', family: r.family, given: [r.given] }],
    telecom: [telecomPhone(r.phone, 'mobile')],
    gender: r.sex,
    address: [fhirAddress(r.address, 'home')],
  };
}

export function deviceResource(d: DeviceProfile, patientId: string): Json {
  return {
    resourceType: 'Device',
    identifier: [{ system: LOCAL_DEVICE_SYSTEM, value: d.serialNumber }],
    status: 'active',
    manufacturer: d.manufacturer,
    serialNumber: d.serialNumber,
    deviceName: [{ name: d.model, type: 'model-name' }],
    modelNumber: d.model,
    patient: { reference: `Patient/${patientId}` },
  };
}

export interface CareTeamMembers {
  patientId: string;
  /** PractitionerRole ids of the circle, with their profession key. */
  roles: Array<{ id: string; profession: ProfessionKey }>;
  organizationIds: string[];
  relatives: Array<{ id: string; guardian: boolean }>;
  managingOrganizationId?: string;
  start: string;
}

export function careTeamResource(m: CareTeamMembers): Json {
  const participant: Json[] = [];
  for (const r of m.roles) {
    const profession = PROFESSION_BY_KEY.get(r.profession);
    participant.push({ role: [{ text: profession?.teamRole ?? 'Professionnel' }], member: { reference: `PractitionerRole/${r.id}` } });
  }
  for (const o of m.organizationIds) participant.push({ role: [{ text: 'Structure intervenante' }], member: { reference: `Organization/${o}` } });
  for (const r of m.relatives) participant.push({ role: [{ text: r.guardian ? 'Tuteur légal' : 'Aidant' }], member: { reference: `RelatedPerson/${r.id}` } });
  const team: Json = {
    resourceType: 'CareTeam',
    status: 'active',
    name: 'Cercle de soins',
    subject: { reference: `Patient/${m.patientId}` },
    period: { start: m.start },
    participant,
  };
  if (m.managingOrganizationId) team.managingOrganization = [{ reference: `Organization/${m.managingOrganizationId}` }];
  return team;
}

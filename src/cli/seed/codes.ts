/**
 * Codes the seed data set uses. The CdL systems come from `src/fhir/terminology.ts`; the few
 * others below are not (yet) defined there and are only used to make the actors look like the
 * national profiles (FR Core, Annuaire Santé) expect.
 */
import { professionSante, professionSocial } from '../../fhir/terminology.js';

/** FR Core identifier types (IDNPS, IDNST, INS-NIR, INS-NIA). */
export const FR_CORE_IDENTIFIER_TYPE = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203';
/** FR Core identity reliability extension and its status code system (VALI, PROV...). */
export const FR_CORE_IDENTITY_RELIABILITY = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability';
export const FR_CORE_IDENTITY_STATUS = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445';
/** HL7 v3 RoleCode: family relationships (DAU, SON, SPS...) and GUARD (legal guardian). */
export const V3_ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
/** The masterIdentifier system of the notes: an illustrative OID for "the software that wrote the note". */
export const NOTE_MASTER_IDENTIFIER_SYSTEM = 'urn:oid:1.2.250.1.999.1';
/** Local identifier system of the seeded relatives and devices (illustrative). */
export const LOCAL_RELATED_PERSON_SYSTEM = 'urn:oid:1.2.250.1.999.2';
export const LOCAL_DEVICE_SYSTEM = 'urn:oid:1.2.250.1.999.3';

export type ProfessionKey = 'gp' | 'nurse' | 'physio' | 'ot' | 'homeHelp' | 'aes' | 'socialWorker';
export type OrganizationKind = 'msp' | 'ssiad' | 'saad' | 'ccas';

export interface Profession {
  key: ProfessionKey;
  system: string;
  code: string;
  display: string;
  /** Who they are in a care team (CareTeam.participant.role text). */
  teamRole: string;
  /** Social-domain (TRE_R94) rather than health (TRE_G15). */
  social: boolean;
  organization: OrganizationKind;
  /** Share of the professionals of a territory, and the minimum number per territory. */
  share: number;
  minimum: number;
}

/**
 * Health professions: TRE_G15-ProfessionSante (10 Médecin, 60 Infirmier, 70 Masseur-Kinésithérapeute,
 * 94 Ergothérapeute). Social-domain professions: TRE_R94-ProfessionSocial, codes chosen as
 * ILLUSTRATIVE (41 Assistant de service social, 42 Auxiliaire de vie sociale, 53 Accompagnant
 * éducatif et social) from the published RASS value set JDV_J106; check them against the NOS
 * release in use before relying on them.
 */
export const PROFESSIONS: readonly Profession[] = [
  { key: 'gp', system: professionSante.url, code: '10', display: 'Médecin', teamRole: 'Médecin traitant', social: false, organization: 'msp', share: 0.22, minimum: 1 },
  { key: 'nurse', system: professionSante.url, code: '60', display: 'Infirmier', teamRole: 'Infirmier', social: false, organization: 'ssiad', share: 0.33, minimum: 1 },
  { key: 'physio', system: professionSante.url, code: '70', display: 'Masseur-Kinésithérapeute', teamRole: 'Masseur-kinésithérapeute', social: false, organization: 'msp', share: 0.1, minimum: 1 },
  { key: 'ot', system: professionSante.url, code: '94', display: 'Ergothérapeute', teamRole: 'Ergothérapeute', social: false, organization: 'ssiad', share: 0.03, minimum: 0 },
  { key: 'homeHelp', system: professionSocial.url, code: '42', display: 'Auxiliaire de vie sociale', teamRole: 'Aide à domicile', social: true, organization: 'saad', share: 0.2, minimum: 1 },
  { key: 'aes', system: professionSocial.url, code: '53', display: 'Accompagnant éducatif et social', teamRole: 'Accompagnant éducatif et social', social: true, organization: 'ssiad', share: 0.06, minimum: 0 },
  { key: 'socialWorker', system: professionSocial.url, code: '41', display: 'Assistant de service social', teamRole: 'Assistant de service social', social: true, organization: 'ccas', share: 0.06, minimum: 1 },
];

export const PROFESSION_BY_KEY: ReadonlyMap<ProfessionKey, Profession> = new Map(PROFESSIONS.map((p) => [p.key, p]));

export interface OrganizationType {
  kind: OrganizationKind;
  /** Name prefix, e.g. "SSIAD". */
  label: string;
}

export const ORGANIZATION_TYPES: readonly OrganizationType[] = [
  { kind: 'msp', label: 'Maison de santé pluriprofessionnelle' },
  { kind: 'ssiad', label: 'SSIAD' },
  { kind: 'saad', label: "Service d'aide à domicile" },
  { kind: 'ccas', label: 'CCAS' },
];

export type RelationKey = 'DAU' | 'SON' | 'SPS' | 'NIECE' | 'NEPHEW' | 'GRNDDAU' | 'GRNDSON';

/** v3 RoleCode family relationships with their display and how a relative calls the patient. */
export const RELATIONS: Record<RelationKey, { display: string; female: boolean; callsPatient: { female: string; male: string } }> = {
  DAU: { display: 'natural daughter', female: true, callsPatient: { female: 'Maman', male: 'Papa' } },
  SON: { display: 'natural son', female: false, callsPatient: { female: 'Maman', male: 'Papa' } },
  SPS: { display: 'spouse', female: false, callsPatient: { female: 'Ma femme', male: 'Mon mari' } },
  NIECE: { display: 'niece', female: true, callsPatient: { female: 'Ma tante', male: 'Mon oncle' } },
  NEPHEW: { display: 'nephew', female: false, callsPatient: { female: 'Ma tante', male: 'Mon oncle' } },
  GRNDDAU: { display: 'granddaughter', female: true, callsPatient: { female: 'Mamie', male: 'Papi' } },
  GRNDSON: { display: 'grandson', female: false, callsPatient: { female: 'Mamie', male: 'Papi' } },
};

/** Share of the notes per type (TRE_R234), in the order drawn. */
export const NOTE_TYPE_SHARES: ReadonlyArray<readonly [NoteTypeCode, number]> = [
  ['OBS', 45],
  ['INTERV', 30],
  ['GEN', 12],
  ['INST', 8],
  ['DEM-AVIS', 5],
];

export type NoteTypeCode = 'OBS' | 'INTERV' | 'GEN' | 'INST' | 'DEM-AVIS';

/** Share of the audience restrictions (TRE_A07) among the notes that carry one. */
export const SECURITY_LABEL_SHARES: ReadonlyArray<readonly [string, number]> = [
  ['MASQUE_PT', 40],
  ['MASQUE_PSOCIAL', 25],
  ['INVISIBLE_PATIENT', 20],
  ['INVISIBLE_REPRESENTANTS_LEGAUX', 10],
  ['MASQUE_PS', 5],
];

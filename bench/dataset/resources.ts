/**
 * The resources the benchmark sends: the 2 KB note, the IG's creation transaction, and the
 * deterministic dataset (patients, practitioners, notes) that the IG's example searches hit.
 */
import { note, patient, practitioner, practitionerRole } from '../../test/support/fixtures.js';
import { typeNote } from '../../src/fhir/terminology.js';

export type Json = Record<string, unknown>;

/** Values of the IG's example queries (spec digest §3) that the dataset makes exist. */
export const IG_VALUES = {
  patientIdentifier: '1234567890112345678901',
  practitionerRpps: '80123456789',
  practitionerFamily: 'Dupont',
  practitionerGiven: 'Marie',
} as const;

/** A local patient-identifier system carrying the IG query's 22-digit patient id. */
export const LOCAL_PATIENT_ID_SYSTEM = 'urn:oid:1.2.250.1.999.42.1';

/** Practitioners in the dataset; practitioner 0 is the IG queries' Dupont Marie / 80123456789. */
export const DATASET_PRACTITIONERS = 50;

const NOTE_TYPES = Object.keys(typeNote.codes);
const SAMPLE_TEXTS = [
  'Passage infirmier : patiente fatiguée, tension 13/8, a peu mangé ce midi.',
  'Aide à domicile : chute sans gravité dans la salle de bains, prévenir le médecin traitant.',
  'Visite du médecin : traitement inchangé, contrôle de la glycémie dans une semaine.',
  'Fille de la patiente : a sauté le déjeuner, semble désorientée en fin de journée.',
  'Kinésithérapeute : marche avec déambulateur sur 20 mètres, progrès notables.',
];

/** The benchmark's own actors for write scenarios (names that none of the IG searches match). */
export const benchPatient = (): Json => patient('299999999999999', 'Banc');
export const benchPractitioner = (): Json => practitioner('899999999999', 'Essai');

/** A note whose text attachment makes the JSON about 2 KB. */
export function noteOf2KB(patientId: string, authorRef: string): Json {
  const text = 'Passage infirmier du matin. Patiente fatiguée, tension 13/8, a peu mangé. '.repeat(16).slice(0, 1100);
  return note(patientId, [authorRef], { text });
}

/** The IG's creation transaction: one note plus the Patient, Practitioner and PractitionerRole it needs. */
export function igTransaction(): Json {
  const ids = { note: 'urn:uuid:3f0e2b0a-6f43-4f51-9d2c-000000000001', patient: 'urn:uuid:3f0e2b0a-6f43-4f51-9d2c-000000000002', practitioner: 'urn:uuid:3f0e2b0a-6f43-4f51-9d2c-000000000003', role: 'urn:uuid:3f0e2b0a-6f43-4f51-9d2c-000000000004' };
  const n = noteOf2KB('x', 'x');
  n.subject = { reference: ids.patient };
  n.author = [{ reference: ids.role }];
  const role = practitionerRole('x');
  role.practitioner = { reference: ids.practitioner };
  const entry = (fullUrl: string, resource: Json) => ({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      entry(ids.note, n),
      entry(ids.patient, patient('288888888888888', 'Transaction')),
      entry(ids.practitioner, practitioner('888888888888', 'Transaction')),
      entry(ids.role, role),
    ],
  };
}

/** Patient `i` of the dataset; patient 0 carries the IG query's identifier. */
export function datasetPatient(i: number): Json {
  const p = patient(`2${String(i).padStart(14, '0')}`, `Patient${i}`);
  const local = i === 0 ? IG_VALUES.patientIdentifier : `9${String(i).padStart(21, '0')}`;
  (p.identifier as Json[]).push({ system: LOCAL_PATIENT_ID_SYSTEM, value: local });
  return p;
}

/** Practitioner `i` of the dataset; practitioner 0 is the IG queries' Dupont Marie. */
export function datasetPractitioner(i: number): Json {
  if (i === 0) {
    const p = practitioner(IG_VALUES.practitionerRpps, IG_VALUES.practitionerFamily);
    (p.name as Json[])[0]!.given = [IG_VALUES.practitionerGiven];
    return p;
  }
  const p = practitioner(`81${String(i).padStart(10, '0')}`, `Praticien${i}`);
  (p.name as Json[])[0]!.given = [i % 2 ? 'Paul' : 'Marie'];
  return p;
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2012, 0, 1);
const DAYS = 5448; // up to 2026-11-30

/**
 * Note `i` of the dataset: patient `i % patients`, author `floor(i / patients) % practitioners`
 * (so each patient's notes have varied authors), type cycling over the five codes, dates spread
 * over 2012–2026 (about 8 % before the third IG query's 2013-03-16).
 */
export function datasetNote(i: number, patientIds: string[], practitionerIds: string[]): Json {
  const patientId = patientIds[i % patientIds.length]!;
  const author = practitionerIds[Math.floor(i / patientIds.length) % practitionerIds.length]!;
  const day = (i * 7919) % DAYS;
  const date = new Date(FIRST_DAY + day * DAY_MS + (i % 600) * 60_000).toISOString().replace('.000Z', '+00:00');
  return note(patientId, [`Practitioner/${author}`], { type: NOTE_TYPES[i % NOTE_TYPES.length], date, text: SAMPLE_TEXTS[i % SAMPLE_TEXTS.length] });
}

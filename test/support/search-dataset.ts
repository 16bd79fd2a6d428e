/** A small notebook with known contents, loaded with client-chosen ids, for exact search assertions. */
import { extensions, identifierSystems, typeNote, visibilityStatus } from '../../src/fhir/terminology.js';
import { textData } from './fixtures.js';
import type { TestServer } from './test-server.js';

const nir = identifierSystems.insNir;
const rpps = identifierSystems.nationalProfessional;

export const actors = [
  { resourceType: 'Patient', id: 'p1', identifier: [{ system: nir, value: '1234567890112345678901' }], name: [{ family: 'Lefèvre', given: ['Jeanne', 'Hélène'] }], gender: 'female' },
  { resourceType: 'Patient', id: 'p2', identifier: [{ system: nir, value: '2990000000002' }], name: [{ family: 'Dupont', given: ['Marcel'] }], gender: 'male' },
  { resourceType: 'Practitioner', id: 'dr-dupont', identifier: [{ system: rpps, value: '80123456789' }], name: [{ family: 'Dupont', given: ['Marie'] }] },
  { resourceType: 'Practitioner', id: 'dr-martin', identifier: [{ system: rpps, value: '80999999999' }], name: [{ family: 'Martin', given: ['Paul'] }] },
  {
    resourceType: 'PractitionerRole', id: 'role-dupont', active: true, practitioner: { reference: 'Practitioner/dr-dupont' },
    code: [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante', code: '60' }] }],
  },
  { resourceType: 'RelatedPerson', id: 'rp-claire', patient: { reference: 'Patient/p1' }, name: [{ family: 'Lefèvre', given: ['Claire'] }] },
  { resourceType: 'Device', id: 'scale-1', serialNumber: 'SCALE-001' },
];

interface NoteSpec {
  id: string;
  patient: string;
  authors: string[];
  type: keyof typeof typeNote.codes;
  date?: string;
  label?: string;
  status?: string;
  urgent?: boolean;
  replyTo?: string;
}

export const notes: NoteSpec[] = [
  { id: 'n1', patient: 'p1', authors: ['Practitioner/dr-dupont'], type: 'OBS', date: '2013-03-16T10:00:00+01:00' },
  { id: 'n2', patient: 'p1', authors: ['PractitionerRole/role-dupont'], type: 'INTERV', date: '2013-03-16T00:30:00+01:00' },
  { id: 'n3', patient: 'p2', authors: ['Practitioner/dr-martin'], type: 'OBS', date: '2024-01-01T09:00:00Z', label: 'MASQUE_PT' },
  { id: 'n4', patient: 'p1', authors: ['RelatedPerson/rp-claire'], type: 'GEN', date: '2025-06-30T12:00:00+02:00', urgent: true },
  { id: 'n5', patient: 'p2', authors: ['Patient/p2'], type: 'DEM-AVIS', date: '2026-11-30T08:00:00+01:00', status: 'entered-in-error' },
  { id: 'n6', patient: 'p1', authors: ['Device/scale-1'], type: 'OBS', date: '2026-12-01T07:15:00+01:00' },
  { id: 'n7', patient: 'p1', authors: ['Practitioner/dr-dupont', 'PractitionerRole/role-dupont'], type: 'INST', replyTo: 'n1' },
];

export function noteResource(n: NoteSpec): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resourceType: 'DocumentReference',
    id: n.id,
    status: n.status ?? 'current',
    type: { coding: [{ system: typeNote.url, code: n.type }] },
    subject: { reference: `Patient/${n.patient}` },
    author: n.authors.map((reference) => ({ reference })),
    description: `note ${n.id}`,
    content: [{ attachment: { contentType: 'text/plain', data: textData(`texte de ${n.id}`) } }],
  };
  if (n.date) r.date = n.date;
  if (n.label) r.securityLabel = [{ coding: [{ system: visibilityStatus.url, code: n.label }] }];
  if (n.urgent) r.extension = [{ url: extensions.isEmergency, valueBoolean: true }];
  if (n.replyTo) r.relatesTo = [{ code: 'appends', target: { reference: `DocumentReference/${n.replyTo}` } }];
  return r;
}

export async function loadSearchDataset(t: TestServer): Promise<void> {
  for (const a of actors) {
    const r = await t.request('PUT', `/${a.resourceType}/${a.id}`, a);
    if (r.status !== 201) throw new Error(`loading ${a.resourceType}/${a.id}: ${r.status} ${r.text}`);
  }
  for (const n of notes) {
    const r = await t.request('PUT', `/DocumentReference/${n.id}`, noteResource(n));
    if (r.status !== 201) throw new Error(`loading note ${n.id}: ${r.status} ${r.text}`);
  }
}

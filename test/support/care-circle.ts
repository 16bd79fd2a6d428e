/**
 * A notebook with its circle of care, for authorization tests: patient P with a CareTeam
 * (nurse, GP, social worker), relatives (daughter, legal guardian), a device; patient Q outside;
 * a nurse outside every circle. The nurse writes one note per audience label.
 */
import { extensions, identifierSystems, professionSante, professionSocial, typeNote, visibilityStatus } from '../../src/fhir/terminology.js';
import type { TestServer } from './test-server.js';

export const LABELS = ['none', 'MASQUE_PS', 'MASQUE_PSOCIAL', 'MASQUE_PT', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'] as const;
export type Label = (typeof LABELS)[number];

export type CallerName = 'author' | 'gp' | 'outsider' | 'social' | 'relative' | 'guardian' | 'patient' | 'device' | 'system';
export const CALLERS: CallerName[] = ['author', 'gp', 'outsider', 'social', 'relative', 'guardian', 'patient', 'device', 'system'];

/** Who sees a note carrying `label` (the author always does; devices never read). */
export function expectedVisible(caller: CallerName, label: Label): boolean {
  switch (caller) {
    case 'author':
    case 'system':
      return true;
    case 'outsider':
    case 'device':
      return false;
    case 'gp':
      return label !== 'MASQUE_PS';
    case 'social':
      return label !== 'MASQUE_PSOCIAL';
    case 'relative':
      return label !== 'MASQUE_PT';
    case 'guardian':
      return label !== 'MASQUE_PT' && label !== 'INVISIBLE_REPRESENTANTS_LEGAUX';
    case 'patient':
      return label !== 'INVISIBLE_PATIENT';
  }
}

const role = (id: string, practitioner: string, system: string, code: string) => ({
  resourceType: 'PractitionerRole',
  id,
  active: true,
  practitioner: { reference: `Practitioner/${practitioner}` },
  code: [{ coding: [{ system, code }] }],
});

const practitioner = (id: string, rpps: string, family: string) => ({
  resourceType: 'Practitioner',
  id,
  identifier: [{ system: identifierSystems.nationalProfessional, value: rpps }],
  name: [{ family }],
});

export const ACTORS = [
  { resourceType: 'Patient', id: 'P', identifier: [{ system: identifierSystems.insNir, value: '100000000000001' }], name: [{ family: 'Martin' }] },
  { resourceType: 'Patient', id: 'Q', identifier: [{ system: identifierSystems.insNir, value: '100000000000002' }], name: [{ family: 'Bernard' }] },
  practitioner('pr-nurse', '81000000001', 'Infirmière'),
  practitioner('pr-gp', '81000000002', 'Médecin'),
  practitioner('pr-out', '81000000003', 'Ailleurs'),
  practitioner('pr-social', '81000000004', 'Social'),
  role('role-nurse', 'pr-nurse', professionSante.url, '60'),
  role('role-gp', 'pr-gp', professionSante.url, '10'),
  role('role-out', 'pr-out', professionSante.url, '60'),
  role('role-social', 'pr-social', professionSocial.url, '11'),
  { resourceType: 'RelatedPerson', id: 'rp-daughter', active: true, patient: { reference: 'Patient/P' }, relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU' }] }] },
  { resourceType: 'RelatedPerson', id: 'rp-guardian', active: true, patient: { reference: 'Patient/P' }, relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'GUARD' }] }] },
  { resourceType: 'Device', id: 'dev-scale', patient: { reference: 'Patient/P' }, serialNumber: 'SC-1' },
  {
    resourceType: 'CareTeam',
    id: 'team-P',
    status: 'active',
    subject: { reference: 'Patient/P' },
    participant: [
      { member: { reference: 'PractitionerRole/role-nurse' } },
      { member: { reference: 'PractitionerRole/role-gp' } },
      { member: { reference: 'PractitionerRole/role-social' } },
    ],
  },
  {
    resourceType: 'CareTeam',
    id: 'team-Q',
    status: 'active',
    subject: { reference: 'Patient/Q' },
    participant: [{ member: { reference: 'PractitionerRole/role-out' } }],
  },
];

export const FHIR_USER: Record<Exclude<CallerName, 'system'>, string> = {
  author: 'PractitionerRole/role-nurse',
  gp: 'PractitionerRole/role-gp',
  outsider: 'PractitionerRole/role-out',
  social: 'PractitionerRole/role-social',
  relative: 'RelatedPerson/rp-daughter',
  guardian: 'RelatedPerson/rp-guardian',
  patient: 'Patient/P',
  device: 'Device/dev-scale',
};

export const noteId = (label: Label) => `note-${label.toLowerCase().replace(/_/g, '-')}`;
export const replyId = (label: Label) => `reply-${label.toLowerCase().replace(/_/g, '-')}`;

export function labelledNote(label: Label, bigAttachment: Buffer): Record<string, unknown> {
  const n: Record<string, unknown> = {
    resourceType: 'DocumentReference',
    id: noteId(label),
    status: 'current',
    type: { coding: [{ system: typeNote.url, code: 'OBS' }] },
    subject: { reference: 'Patient/P' },
    author: [{ reference: 'PractitionerRole/role-nurse' }],
    description: `secret ${label}`,
    extension: [{ url: extensions.isEmergency, valueBoolean: false }],
    content: [{ attachment: { contentType: 'application/octet-stream', data: bigAttachment.toString('base64') } }],
  };
  if (label !== 'none') n.securityLabel = [{ coding: [{ system: visibilityStatus.url, code: label }] }];
  return n;
}

/** Loads the circle with a system token, then the nurse's notes with the nurse's own token. */
export async function loadCareCircle(t: TestServer): Promise<{ tokens: Record<CallerName, string>; binaryOf: Record<string, string> }> {
  for (const a of ACTORS) {
    const r = await t.request('PUT', `/${a.resourceType}/${a.id}`, a);
    if (r.status !== 201) throw new Error(`${a.resourceType}/${a.id}: ${r.status} ${r.text}`);
  }
  const tokens = {} as Record<CallerName, string>;
  for (const [name, fhirUser] of Object.entries(FHIR_USER)) {
    tokens[name as CallerName] = await t.token({ fhirUser, scope: name === 'patient' ? 'patient/*.rs' : 'user/*.cruds' });
  }
  tokens.system = await t.token({ scope: 'system/*.cruds', clientId: 'platform' });
  const nurse = { authorization: `Bearer ${tokens.author}` };
  const binaryOf: Record<string, string> = {};
  for (const label of LABELS) {
    const r = await t.request('PUT', `/DocumentReference/${noteId(label)}`, labelledNote(label, Buffer.alloc(2048, 1)), nurse);
    if (r.status !== 201) throw new Error(`note ${label}: ${r.status} ${r.text}`);
    const url = r.body.content[0].attachment.url as string | undefined;
    if (url) binaryOf[label] = url.slice(t.base.length);
    const reply = {
      resourceType: 'DocumentReference',
      id: replyId(label),
      status: 'current',
      type: { coding: [{ system: typeNote.url, code: 'GEN' }] },
      subject: { reference: 'Patient/P' },
      author: [{ reference: 'PractitionerRole/role-nurse' }],
      relatesTo: [{ code: 'appends', target: { reference: `DocumentReference/${noteId(label)}` } }],
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('réponse').toString('base64') } }],
    };
    const rr = await t.request('PUT', `/DocumentReference/${replyId(label)}`, reply, nurse);
    if (rr.status !== 201) throw new Error(`reply ${label}: ${rr.status} ${rr.text}`);
  }
  return { tokens, binaryOf };
}

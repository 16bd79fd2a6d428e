/** Resources used across tests: CdL actors and notes that conform to the IG's profiles. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identifierSystems, typeNote, visibilityStatus } from '../../src/fhir/terminology.js';

export const CDL_PACKAGE = '/work/shared/fhir-packages/ans.fhir.fr.cdl-3.0.0.tgz';

let extracted: string | undefined;

/** A file of the published CdL package, or undefined when the package is not on this machine. */
export function cdlPackageFile(name: string): unknown {
  if (!existsSync(CDL_PACKAGE)) return undefined;
  if (!extracted) {
    extracted = mkdtempSync(join(tmpdir(), 'cdl-pkg-'));
    execFileSync('tar', ['xzf', CDL_PACKAGE, '-C', extracted]);
  }
  return JSON.parse(readFileSync(join(extracted, 'package', name), 'utf8'));
}

export const patient = (nir = '123456789012345', family = 'Lefèvre') => ({
  resourceType: 'Patient',
  identifier: [{ system: identifierSystems.insNir, value: nir }],
  name: [{ family, given: ['Jeanne'] }],
  gender: 'female',
  birthDate: '1941-05-12',
});

export const practitioner = (rpps = '810000000001', family = 'Dupont') => ({
  resourceType: 'Practitioner',
  identifier: [{ system: identifierSystems.nationalProfessional, value: rpps }],
  name: [{ family, given: ['Marie'] }],
});

export const practitionerRole = (practitionerId: string, profession = '60') => ({
  resourceType: 'PractitionerRole',
  active: true,
  practitioner: { reference: `Practitioner/${practitionerId}` },
  code: [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante', code: profession }] }],
});

export const textData = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export interface NoteOptions {
  type?: string;
  label?: string;
  text?: string;
  date?: string;
  identifier?: string;
}

export const note = (patientId: string, authorRefs: string[], o: NoteOptions = {}) => {
  const n: Record<string, unknown> = {
    resourceType: 'DocumentReference',
    status: 'current',
    type: { coding: [{ system: typeNote.url, code: o.type ?? 'OBS', display: typeNote.codes[o.type ?? 'OBS'] }] },
    subject: { reference: `Patient/${patientId}` },
    date: o.date ?? '2026-11-30T08:30:00+01:00',
    author: authorRefs.map((reference) => ({ reference })),
    content: [{ attachment: { contentType: 'text/plain', language: 'fr', data: textData(o.text ?? 'Patiente fatiguée, ne souhaite pas sortir.') } }],
  };
  if (o.identifier) n.masterIdentifier = { system: 'urn:oid:1.2.3.4', value: o.identifier };
  if (o.label) n.securityLabel = [{ coding: [{ system: visibilityStatus.url, code: o.label }] }];
  return n;
};

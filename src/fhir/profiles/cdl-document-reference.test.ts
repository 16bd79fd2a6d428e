import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Issue } from '../errors.js';
import { extensions, typeNote, visibilityStatus } from '../terminology.js';
import { validateCdlDocumentReference } from './cdl-document-reference.js';

type Json = Record<string, unknown>;

const summary = (issues: Issue[]): string[] => issues.map((i) => `${i.code} ${(i.expression ?? []).join(',')}`);
const check = (resource: unknown, path?: string): string[] => summary(validateCdlDocumentReference(resource, path));

/** A valid CdL note; `extra` replaces or adds elements, `undefined` removes one. */
function note(extra: Json = {}): Json {
  const base: Json = {
    resourceType: 'DocumentReference',
    status: 'current',
    type: { coding: [{ system: typeNote.url, code: 'OBS', display: "Note d'observation" }] },
    subject: { reference: 'Patient/p1' },
    date: '2024-05-01T10:00:00+02:00',
    author: [{ reference: 'PractitionerRole/r1' }],
    content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }],
  };
  const out = { ...base, ...extra };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

const emergency = (value: Json = { valueBoolean: true }): Json => ({ url: extensions.isEmergency, ...value });
const label = (code: string, system = visibilityStatus.url): Json => ({ coding: [{ system, code }] });

describe('cdl-document-reference rules', () => {
  it('accepts a valid note, with every optional element the profile allows', () => {
    assert.deepEqual(check(note()), []);
    assert.deepEqual(
      check(
        note({
          securityLabel: [label('MASQUE_PS')],
          extension: [emergency(), { url: 'http://example.org/other', valueString: 'x' }],
          masterIdentifier: { system: 'urn:oid:1.2.3', value: 'n1' },
          description: 'Chute',
          relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/n0' } }],
          author: [
            { reference: 'Device/d' },
            { reference: 'RelatedPerson/r' },
            { reference: 'Patient/p' },
            { reference: 'Practitioner/pr' },
            { reference: 'PractitionerRole/prr' },
            { reference: 'Organization/o' },
          ],
        }),
      ),
      [],
    );
  });

  it('accepts every note type and every visibility code', () => {
    for (const code of Object.keys(typeNote.codes)) assert.deepEqual(check(note({ type: { coding: [{ system: typeNote.url, code }] } })), [], code);
    for (const code of Object.keys(visibilityStatus.codes)) assert.deepEqual(check(note({ securityLabel: [label(code)] })), [], code);
  });

  it('prefixes paths', () => {
    assert.deepEqual(check(note({ status: undefined }), 'Bundle.entry[0].resource'), ['required Bundle.entry[0].resource.status']);
  });

  it('applies to DocumentReference only', () => {
    assert.deepEqual(check({ resourceType: 'Patient' }), ['structure DocumentReference']);
  });

  it('status: 1..1 in current | superseded | entered-in-error', () => {
    assert.deepEqual(check(note({ status: undefined })), ['required DocumentReference.status']);
    assert.deepEqual(check(note({ status: 'draft' })), ['code-invalid DocumentReference.status']);
    assert.deepEqual(check(note({ status: 'superseded' })), []);
    assert.deepEqual(check(note({ status: 'entered-in-error' })), []);
  });

  it('docStatus, authenticator and custodian: 0..0', () => {
    assert.deepEqual(check(note({ docStatus: 'final' })), ['value DocumentReference.docStatus']);
    assert.deepEqual(check(note({ authenticator: { reference: 'Practitioner/1' } })), ['value DocumentReference.authenticator']);
    assert.deepEqual(check(note({ custodian: { reference: 'Organization/1' } })), ['value DocumentReference.custodian']);
    assert.deepEqual(check(note({ _docStatus: { extension: [{ url: 'http://x', valueString: 'y' }] } })), ['value DocumentReference.docStatus']);
  });

  it('type: 1..1 with a TRE_R234 coding', () => {
    assert.deepEqual(check(note({ type: undefined })), ['required DocumentReference.type']);
    assert.deepEqual(check(note({ type: { text: 'Observation' } })), ['code-invalid DocumentReference.type']);
    assert.deepEqual(check(note({ type: { coding: [{ system: typeNote.url, code: 'XYZ' }] } })), ['code-invalid DocumentReference.type.coding[0].code']);
    assert.deepEqual(check(note({ type: { coding: [{ code: 'OBS' }] } })), ['code-invalid DocumentReference.type.coding[0].system']);
    // A translation next to a valid coding is fine.
    assert.deepEqual(check(note({ type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }, { system: typeNote.url, code: 'GEN' }] } })), []);
  });

  it('type: the system must be the canonical URL, not an alias', () => {
    const issues = validateCdlDocumentReference(note({ type: { coding: [{ system: `urn:oid:${typeNote.oid}`, code: 'OBS' }] } }));
    assert.deepEqual(summary(issues), ['code-invalid DocumentReference.type.coding[0].system']);
    assert.ok(issues[0]!.diagnostics.includes(`expects the system ${typeNote.url}`), issues[0]!.diagnostics);
  });

  it('subject: 1..1, a Patient/id reference (urn:uuid left to the transaction engine)', () => {
    assert.deepEqual(check(note({ subject: undefined })), ['required DocumentReference.subject']);
    assert.deepEqual(check(note({ subject: { reference: 'Practitioner/1' } })), ['value DocumentReference.subject.reference']);
    assert.deepEqual(check(note({ subject: { reference: 'https://other.org/fhir/Patient/1' } })), ['value DocumentReference.subject.reference']);
    assert.deepEqual(check(note({ subject: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '1' } } })), [
      'required DocumentReference.subject.reference',
    ]);
    assert.deepEqual(check(note({ subject: { reference: 'Patient/p1/_history/3' } })), []);
    assert.deepEqual(check(note({ subject: { reference: 'urn:uuid:0d920958-b596-4b91-af67-9bafc707820b' } })), []);
  });

  it('author: 1..*, each a reference to an allowed actor type', () => {
    assert.deepEqual(check(note({ author: undefined })), ['required DocumentReference.author']);
    assert.deepEqual(check(note({ author: [{ reference: 'Patient/1' }, { reference: 'Group/1' }, { display: 'Dr X' }] })), [
      'value DocumentReference.author[1].reference',
      'required DocumentReference.author[2].reference',
    ]);
    assert.deepEqual(check(note({ author: [{ reference: 'urn:uuid:85652218-ea45-426f-916e-6ca5ea8dd5e1' }] })), []);
  });

  it('securityLabel: 0..1, codings from TRE_A07', () => {
    assert.deepEqual(check(note({ securityLabel: [label('MASQUE_PS'), label('MASQUE_PT')] })), ['value DocumentReference.securityLabel']);
    assert.deepEqual(check(note({ securityLabel: [label('SECRET')] })), ['code-invalid DocumentReference.securityLabel[0].coding[0].code']);
    assert.deepEqual(check(note({ securityLabel: [label('MASQUE_PS', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality')] })), [
      'code-invalid DocumentReference.securityLabel[0].coding[0].system',
    ]);
    assert.deepEqual(check(note({ securityLabel: [{ text: 'hidden' }] })), ['code-invalid DocumentReference.securityLabel[0]']);
  });

  it('content: 1..*', () => {
    assert.deepEqual(check(note({ content: undefined })), ['required DocumentReference.content']);
  });

  it('is-emergency: at most once, valueBoolean only', () => {
    assert.deepEqual(check(note({ extension: [emergency(), emergency({ valueBoolean: false })] })), ['value DocumentReference.extension[1]']);
    assert.deepEqual(check(note({ extension: [emergency({ valueString: 'yes' })] })), [
      'required DocumentReference.extension[0].valueBoolean',
      'structure DocumentReference.extension[0].valueString',
    ]);
    assert.deepEqual(check(note({ extension: [emergency({ valueBoolean: true, extension: [{ url: 'a', valueString: 'b' }] })] })), [
      'value DocumentReference.extension[0].extension',
    ]);
  });

  it('reports every problem at once', () => {
    assert.deepEqual(check({ resourceType: 'DocumentReference', custodian: { reference: 'Organization/1' } }), [
      'required DocumentReference.status',
      'value DocumentReference.custodian',
      'required DocumentReference.type',
      'required DocumentReference.subject',
      'required DocumentReference.author',
      'required DocumentReference.content',
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReference } from './reference-format.js';

const known = (name: string): boolean => ['Patient', 'Practitioner', 'DocumentReference'].includes(name);
const kind = (ref: string): string => parseReference(ref, known).kind;

describe('reference format', () => {
  it('parses the accepted forms', () => {
    assert.deepEqual(parseReference('Patient/123', known), { kind: 'relative', type: 'Patient', id: '123' });
    assert.deepEqual(parseReference('Patient/123/_history/4', known), { kind: 'relative', type: 'Patient', id: '123', version: '4' });
    assert.equal(kind('https://example.org/fhir/Patient/123'), 'absolute');
    assert.equal(kind('urn:uuid:04886b69-ef36-4584-819e-4590cd3888a4'), 'uuid');
    assert.equal(kind('urn:oid:1.2.250.1.71'), 'oid');
    assert.deepEqual(parseReference('#p1', known), { kind: 'contained', id: 'p1' });
    assert.deepEqual(parseReference('#', known), { kind: 'contained', id: '' });
  });

  it('rejects the others', () => {
    for (const ref of ['Foo/1', 'Patient/', 'Patient/a b', 'Patient/1/_history/', 'patient/1', 'urn:uuid:xyz', 'urn:oid:3.1', 'urn:x:1', '#a b', 'Patient?identifier=1', 'http://', '123']) {
      assert.equal(kind(ref), 'invalid', ref);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../definitions/load.js';
import { compilePrimitiveChecker, isMimeType } from './primitive-formats.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const valid = (type: string, value: string | number | boolean): boolean => compilePrimitiveChecker(defs, type).check(value) === undefined;

describe('primitive formats', () => {
  it('knows the JSON type of every primitive', () => {
    const json = (t: string): string => compilePrimitiveChecker(defs, t).json;
    for (const t of ['integer', 'positiveInt', 'unsignedInt', 'decimal']) assert.equal(json(t), 'number', t);
    assert.equal(json('boolean'), 'boolean');
    for (const t of ['string', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'date', 'dateTime', 'instant', 'time', 'base64Binary', 'markdown', 'xhtml']) {
      assert.equal(json(t), 'string', t);
    }
  });

  it('strings (and the types derived from them) may not exceed 1 MB; base64Binary may', () => {
    const max = 'x'.repeat(1024 * 1024);
    for (const t of ['string', 'markdown', 'code', 'uri']) {
      assert.equal(valid(t, max), true, t);
      assert.match(compilePrimitiveChecker(defs, t).check(`${max}x`) ?? '', /1048577 characters: FHIR strings may not exceed 1048576/, t);
    }
    assert.equal(valid('base64Binary', 'AAAA'.repeat(300_000)), true);
  });

  it('no string-based primitive takes C0 control characters (the uri and code regexes alone would)', () => {
    for (const t of ['string', 'uri', 'code', 'id', 'canonical', 'markdown']) {
      assert.equal(compilePrimitiveChecker(defs, t).check('a\u0000b'), 'contains a forbidden control character', t);
    }
    assert.equal(valid('string', 'ligne 1\r\n\tligne 2'), true);
  });

  it('anchors the published regexes', () => {
    assert.equal(valid('id', 'abc-1.2'), true);
    assert.equal(valid('id', 'abc/1'), false);
    assert.equal(valid('code', 'a b'), true);
    assert.equal(valid('code', ' a'), false);
    assert.equal(valid('oid', 'urn:oid:1.2.250'), true);
    assert.equal(valid('oid', 'urn:oid:1.2.250x'), false);
    assert.equal(valid('uuid', 'urn:uuid:04886b69-ef36-4584-819e-4590cd3888a4'), true);
    assert.equal(valid('uuid', 'urn:uuid:04886b69'), false);
    assert.equal(valid('time', '23:59:60'), true);
    assert.equal(valid('time', '24:00:00'), false);
  });

  it('checks dates, including the calendar', () => {
    assert.equal(valid('date', '2024'), true);
    assert.equal(valid('date', '2024-02'), true);
    assert.equal(valid('date', '2024-02-29'), true);
    assert.equal(valid('date', '2023-02-29'), false);
    assert.equal(valid('date', '2000-02-29'), true);
    assert.equal(valid('date', '1900-02-29'), false);
    assert.equal(valid('date', '2024-04-31'), false);
    assert.equal(valid('dateTime', '2024-04-30T23:59:59.123+14:00'), true);
    assert.equal(valid('dateTime', '2024-04-30T23:59:59'), false);
    assert.equal(valid('instant', '2024-04-30T23:59:59Z'), true);
    assert.equal(valid('instant', '2024-04-30'), false);
  });

  it('checks numbers', () => {
    assert.equal(valid('integer', -5), true);
    assert.equal(valid('integer', 2147483648), false);
    assert.equal(valid('positiveInt', 0), false);
    assert.equal(valid('unsignedInt', 0), true);
    assert.equal(valid('unsignedInt', 1.5), false);
    assert.equal(valid('decimal', 1e-7), true);
    assert.equal(valid('decimal', Number.NaN), false);
  });

  it('checks base64', () => {
    assert.equal(valid('base64Binary', 'SGVsbG8='), true);
    assert.equal(valid('base64Binary', 'SGVsbA=='), true);
    assert.equal(valid('base64Binary', 'SGVs bG8='), true);
    assert.equal(valid('base64Binary', 'SGVsbG8'), false);
    assert.equal(valid('base64Binary', 'SG=sbG8='), false);
    assert.equal(valid('base64Binary', 'S===='), false);
  });

  it('recognizes MIME types', () => {
    for (const m of ['text/plain', 'image/svg+xml', 'application/fhir+json; fhirVersion=4.0', 'text/plain;charset="utf-8"']) assert.equal(isMimeType(m), true, m);
    for (const m of ['text', 'text/', '/plain', 'text/plain;', 'text/plain; charset', 'text plain']) assert.equal(isMimeType(m), false, m);
  });
});

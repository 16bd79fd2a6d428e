import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FhirError } from '../fhir/errors.js';
import { jsonShape, parseJsonBody } from './json-body.js';

const limits = { maxDepth: 64, maxValues: 1000 };

const refused = (text: string, status: number, pattern: RegExp, l = limits) =>
  assert.throws(
    () => parseJsonBody(text, l),
    (e: unknown) => e instanceof FhirError && e.status === status && pattern.test(e.issues[0]!.diagnostics ?? ''),
  );

describe('jsonShape', () => {
  it('counts every value (objects, arrays, primitives), ignoring commas and brackets inside strings', () => {
    assert.deepEqual(jsonShape('{"a":1}', limits), { depth: 1, values: 2 });
    assert.deepEqual(jsonShape('[1,2,3]', limits), { depth: 1, values: 4 });
    assert.deepEqual(jsonShape('{"a":[{"b":"x,y[{"},{"c":true}],"d":null}', limits), { depth: 3, values: 7 });
    assert.deepEqual(jsonShape('"a\\",[b"', limits), { depth: 0, values: 1 });
  });

  it('stops at the first limit exceeded', () => {
    assert.equal(jsonShape(`[${'1,'.repeat(5000)}1]`, limits).values, 1001);
    assert.equal(jsonShape('['.repeat(100), limits).depth, 65);
  });
});

describe('parseJsonBody', () => {
  it('parses FHIR JSON', () => {
    assert.deepEqual(parseJsonBody('{"resourceType":"Patient","active":true}', limits), { resourceType: 'Patient', active: true });
  });

  it('empty, malformed (with the position), too deep, too wide, __proto__ → precise errors', () => {
    refused('  ', 400, /empty/);
    refused('{"resourceType":\n "Patient",', 400, /not valid JSON at line 2, column 12/);
    refused(`${'['.repeat(70)}${']'.repeat(70)}`, 400, /nested deeper than 64 levels/);
    refused(`{"resourceType":"Patient","name":[${'{"family":"x"},'.repeat(600)}{"family":"y"}]}`, 413, /more than 1000 values/);
    refused('{"resourceType":"Patient","__proto__":{"polluted":true}}', 400, /'__proto__'/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberRangeOf, parseNumberRange } from './number-range.js';

test('the precision of a decimal implies its range', () => {
  assert.deepEqual(parseNumberRange('100'), { value: 100, low: 99.5, high: 100.5 });
  assert.deepEqual(parseNumberRange('100.0'), { value: 100, low: 99.95, high: 100.05 });
  assert.deepEqual(parseNumberRange('0.5'), { value: 0.5, low: 0.45, high: 0.55 });
  assert.deepEqual(parseNumberRange('-3'), { value: -3, low: -3.5, high: -2.5 });
  assert.deepEqual(parseNumberRange('+2.25'), { value: 2.25, low: 2.245, high: 2.255 });
  assert.deepEqual(parseNumberRange('1e2'), { value: 100, low: 50, high: 150 });
  assert.deepEqual(parseNumberRange('1.0e2'), { value: 100, low: 95, high: 105 });
  assert.deepEqual(parseNumberRange('1.5e-3'), { value: 0.0015, low: 0.00145, high: 0.00155 });
});

test('invalid numbers are rejected', () => {
  for (const bad of ['', 'abc', '1.', '.5', '1e', '1,5', '0x10', 'Infinity', '1e400']) assert.equal(parseNumberRange(bad), undefined, bad);
});

test('numberRangeOf reads a JSON number', () => {
  assert.deepEqual(numberRangeOf(100), { value: 100, low: 99.5, high: 100.5 });
  assert.deepEqual(numberRangeOf(0.25), { value: 0.25, low: 0.245, high: 0.255 });
  assert.equal(numberRangeOf(Number.NaN), undefined);
});

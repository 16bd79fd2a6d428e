import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approximateRange, OPEN_END, OPEN_START, parseDateRange } from './date-range.js';

const ms = (iso: string): number => Date.parse(iso);

test('year, month and day precision cover the whole period (UTC)', () => {
  assert.deepEqual(parseDateRange('1975'), { start: ms('1975-01-01T00:00:00.000Z'), end: ms('1975-12-31T23:59:59.999Z'), precision: 'year' });
  assert.deepEqual(parseDateRange('1975-02'), { start: ms('1975-02-01T00:00:00.000Z'), end: ms('1975-02-28T23:59:59.999Z'), precision: 'month' });
  assert.deepEqual(parseDateRange('2024-02'), { start: ms('2024-02-01T00:00:00.000Z'), end: ms('2024-02-29T23:59:59.999Z'), precision: 'month' });
  assert.deepEqual(parseDateRange('2013-03-16'), { start: ms('2013-03-16T00:00:00.000Z'), end: ms('2013-03-16T23:59:59.999Z'), precision: 'day' });
  assert.deepEqual(parseDateRange('2013-12'), { start: ms('2013-12-01T00:00:00.000Z'), end: ms('2013-12-31T23:59:59.999Z'), precision: 'month' });
});

test('minute, second and fractional precision', () => {
  assert.deepEqual(parseDateRange('2013-03-16T10:30'), { start: ms('2013-03-16T10:30:00.000Z'), end: ms('2013-03-16T10:30:59.999Z'), precision: 'minute' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:15Z'), { start: ms('2013-03-16T10:30:15.000Z'), end: ms('2013-03-16T10:30:15.999Z'), precision: 'second' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:15.123Z'), { start: ms('2013-03-16T10:30:15.123Z'), end: ms('2013-03-16T10:30:15.123Z'), precision: 'millisecond' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:15.1Z'), { start: ms('2013-03-16T10:30:15.100Z'), end: ms('2013-03-16T10:30:15.199Z'), precision: 'millisecond' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:15.12Z'), { start: ms('2013-03-16T10:30:15.120Z'), end: ms('2013-03-16T10:30:15.129Z'), precision: 'millisecond' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:15.123456Z'), { start: ms('2013-03-16T10:30:15.123Z'), end: ms('2013-03-16T10:30:15.123Z'), precision: 'millisecond' });
});

test('time zone offsets are converted to UTC; no offset means UTC', () => {
  assert.deepEqual(parseDateRange('2019-03-04T08:30:00+11:00'), { start: ms('2019-03-03T21:30:00.000Z'), end: ms('2019-03-03T21:30:00.999Z'), precision: 'second' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:15.123+01:00'), { start: ms('2013-03-16T09:30:15.123Z'), end: ms('2013-03-16T09:30:15.123Z'), precision: 'millisecond' });
  assert.deepEqual(parseDateRange('2013-03-16T20:00:00-05:30'), { start: ms('2013-03-17T01:30:00.000Z'), end: ms('2013-03-17T01:30:00.999Z'), precision: 'second' });
  assert.deepEqual(parseDateRange('2013-03-16T10:30:00'), { start: ms('2013-03-16T10:30:00.000Z'), end: ms('2013-03-16T10:30:00.999Z'), precision: 'second' });
  // a query string's '+' decoded as a space
  assert.equal(parseDateRange('2013-03-16T10:30:00 01:00'), undefined);
  assert.deepEqual(parseDateRange('2013-03-16T10:30:00 01:00', true)?.start, ms('2013-03-16T09:30:00.000Z'));
});

test('years below 100 are not shifted to the 1900s', () => {
  assert.deepEqual(parseDateRange('0050'), { start: ms('0050-01-01T00:00:00.000Z'), end: ms('0050-12-31T23:59:59.999Z'), precision: 'year' });
});

test('invalid dates are rejected', () => {
  for (const bad of ['', 'abc', '13-03-16', '2013-3-16', '2013-13-01', '2013-00-10', '2013-02-30', '2023-02-29', '2013-03-16T25:00', '2013-03-16T10:60', '2013-03-16T10:30:61Z', '2013-03-16T10:30:00+15:00', '2013-03-16Z', '2013-03-16T10']) {
    assert.equal(parseDateRange(bad), undefined, bad);
  }
});

test('approximateRange widens by 10 % of the distance to now, at least a day', () => {
  const now = ms('2024-01-01T00:00:00.000Z');
  const day = parseDateRange('2014-01-01')!;
  const widened = approximateRange(day, now);
  const margin = Math.round((now - day.start) * 0.1);
  assert.deepEqual(widened, { start: day.start - margin, end: day.end + margin });
  const today = parseDateRange('2024-01-01T00:00:00Z')!;
  assert.deepEqual(approximateRange(today, now), { start: today.start - 86_400_000, end: today.end + 86_400_000 });
  assert.equal(OPEN_START, Number.MIN_SAFE_INTEGER);
  assert.equal(OPEN_END, Number.MAX_SAFE_INTEGER);
});

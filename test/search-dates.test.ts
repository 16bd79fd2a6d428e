/**
 * End-to-end date search: every prefix (eq ne lt gt le ge sa eb ap) with the precision range
 * the search value implies, against instants (DocumentReference.date), dates of several
 * precisions (Patient.birthDate) and periods with open ends (PractitionerRole.period,
 * DocumentReference.context.period); boundaries to the millisecond and across time zones;
 * `_lastUpdated`. Every assertion is an exact result set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { putAll, searchHelpers, type SearchHelpers } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const withId = <T extends object>(id: string, r: T) => ({ ...r, id });
const born = (id: string, birthDate: string) => ({ ...withId(id, patient(`10000000000010${id.slice(1)}`)), birthDate });
const role = (id: string, period: Record<string, string>) => ({ resourceType: 'PractitionerRole', id, active: true, practitioner: { reference: 'Practitioner/pr' }, period });
const at = (id: string, date: string, period?: Record<string, string>) => {
  const n: Record<string, unknown> = withId(id, note('pat', ['Practitioner/pr'], { date }));
  if (period) n.context = { period };
  return n;
};

describe('search: dates', () => {
  let t: TestServer;
  let s: SearchHelpers;
  before(async () => {
    t = await startTestServer();
    s = searchHelpers(t);
    await putAll(t, [
      withId('pat', patient('100000000000099')),
      withId('pr', practitioner()),
      // Patient.birthDate: dates of day, month and year precision.
      born('b1', '1941-05-12'),
      born('b2', '1941-05'),
      born('b3', '1941'),
      born('b4', '1941-05-11'),
      born('b5', '1941-05-13'),
      born('b6', '1990-01-01'),
      // PractitionerRole.period: closed, open end, open start, a few hours.
      role('r1', { start: '2024-01-01', end: '2024-12-31' }),
      role('r2', { start: '2024-06-01' }),
      role('r3', { end: '2023-12-31' }),
      role('r4', { start: '2024-03-10T08:00:00+01:00', end: '2024-03-10T12:00:00+01:00' }),
      // DocumentReference.date (instant) around the new year, in UTC and in +01:00.
      at('m1', '2020-01-01T00:00:00Z', { start: '2020-01-01T00:00:00Z' }),
      at('m2', '2019-12-31T23:59:59.999Z', { end: '2019-12-31' }),
      at('m3', '2020-01-01T00:59:59+01:00'),
      at('m4', '2020-01-01T01:00:00+01:00', { start: '2019-12-01', end: '2020-01-31' }),
    ]);
  });
  after(() => t.close());

  const patients = (q: string) => s.ids(`/Patient?_id=b1,b2,b3,b4,b5,b6&birthdate=${q}`);
  const roles = (q: string) => s.ids(`/PractitionerRole?date=${q}`);
  const notes = (q: string) => s.ids(`/DocumentReference?date=${q}`);

  it('against dates of day, month and year precision (Patient.birthdate)', async () => {
    assert.deepEqual(await patients('1941-05-12'), ['b1']);
    assert.deepEqual(await patients('eq1941-05-12'), ['b1']);
    // eq: the search range must contain the whole target range (1941-05 does not fit in a day)
    assert.deepEqual(await patients('eq1941-05'), ['b1', 'b2', 'b4', 'b5']);
    assert.deepEqual(await patients('eq1941'), ['b1', 'b2', 'b3', 'b4', 'b5']);
    assert.deepEqual(await patients('ne1941-05-12'), ['b2', 'b3', 'b4', 'b5', 'b6']);
    assert.deepEqual(await patients('lt1941-05-12'), ['b2', 'b3', 'b4']);
    assert.deepEqual(await patients('gt1941-05-12'), ['b2', 'b3', 'b5', 'b6']);
    assert.deepEqual(await patients('le1941-05-12'), ['b1', 'b2', 'b3', 'b4']);
    assert.deepEqual(await patients('ge1941-05-12'), ['b1', 'b2', 'b3', 'b5', 'b6']);
    assert.deepEqual(await patients('sa1941-05-12'), ['b5', 'b6']);
    assert.deepEqual(await patients('eb1941-05-12'), ['b4']);
    // ap widens by 10 % of the distance to now (85 years → about 8.5 years): 1990 stays out
    assert.deepEqual(await patients('ap1941-05-12'), ['b1', 'b2', 'b3', 'b4', 'b5']);
    assert.deepEqual(await patients('ap1990-01-01'), ['b6']);
    // a time in the search value: the day of b1 (UTC) overlaps it but does not contain it
    assert.deepEqual(await patients('1941-05-12T10:00:00Z'), []);
    assert.deepEqual(await patients('ge1941-05-12T10:00:00Z'), ['b1', 'b2', 'b3', 'b5', 'b6']);
  });

  it('against periods with open ends (PractitionerRole.date)', async () => {
    assert.deepEqual(await roles('eq2024'), ['r1', 'r4']);
    assert.deepEqual(await roles('2024-03-10'), ['r4']);
    assert.deepEqual(await roles('ne2024'), ['r2', 'r3']);
    assert.deepEqual(await roles('lt2024-01-01'), ['r3']);
    assert.deepEqual(await roles('gt2024-12-31'), ['r2']);
    assert.deepEqual(await roles('ge2024-06-01'), ['r1', 'r2']);
    assert.deepEqual(await roles('le2024-03-10'), ['r1', 'r3', 'r4']);
    // r1 starts at the millisecond after 2023-12-31; r3 ends at the millisecond before 2024
    assert.deepEqual(await roles('sa2023-12-31'), ['r1', 'r2', 'r4']);
    assert.deepEqual(await roles('eb2024-01-01'), ['r3']);
    assert.deepEqual(await roles('eb2024-06-01'), ['r3', 'r4']);
    assert.deepEqual(await roles('sa2024-03-10T11:00:00Z'), ['r2']);
    assert.deepEqual(await roles('eb2024-03-10T07:00:00Z'), ['r3']);
    // ap: overlap with the widened range
    assert.deepEqual(await roles('ap2010'), ['r3']);
  });

  it('against instants: boundaries to the millisecond and across time zones (DocumentReference.date)', async () => {
    // m3 is 2019-12-31T23:59:59Z and m4 is 2020-01-01T00:00:00Z, written in +01:00
    assert.deepEqual(await notes('2020-01-01'), ['m1', 'm4']);
    assert.deepEqual(await notes('2019'), ['m2', 'm3']);
    assert.deepEqual(await notes('ne2020-01-01'), ['m2', 'm3']);
    assert.deepEqual(await notes('lt2020-01-01'), ['m2', 'm3']);
    assert.deepEqual(await notes('ge2020-01-01'), ['m1', 'm4']);
    assert.deepEqual(await notes('le2019-12-31'), ['m2', 'm3']);
    assert.deepEqual(await notes('gt2019-12-31'), ['m1', 'm4']);
    assert.deepEqual(await notes('sa2019-12-31'), ['m1', 'm4']);
    assert.deepEqual(await notes('eb2020'), ['m2', 'm3']);
    // the second 23:59:59 contains m2's millisecond .999 and m3's whole second
    assert.deepEqual(await notes('2019-12-31T23:59:59Z'), ['m2', 'm3']);
    assert.deepEqual(await notes('2019-12-31T23:59:59.999Z'), ['m2']);
    assert.deepEqual(await notes('2019-12-31T23:59:59.99Z'), ['m2']);
    assert.deepEqual(await notes('2020-01-01T00:00Z'), ['m1', 'm4']);
    assert.deepEqual(await notes('2020-01-01T01:00:00%2B01:00'), ['m1', 'm4']);
    assert.deepEqual(await notes('2020-01-01T00:59:59%2B01:00'), ['m2', 'm3']);
    // a `+` left unencoded in the query string reads as a space: still the offset
    assert.deepEqual(await notes('2020-01-01T00:59:59+01:00'), ['m2', 'm3']);
    assert.deepEqual(await notes('lt2019-12-31T23:59:59.500Z'), ['m3']);
    assert.deepEqual(await notes('gt2019-12-31T23:59:59.500Z'), ['m1', 'm2', 'm3', 'm4']);
    assert.deepEqual(await notes('sa2019-12-31T23:59:59.500Z'), ['m1', 'm2', 'm4']);
    assert.deepEqual(await notes('eb2019-12-31T23:59:59.999Z'), []);
    assert.deepEqual(await notes('ap2019-12-31T23:59:59Z'), ['m1', 'm2', 'm3', 'm4']);
    assert.deepEqual(await notes('ap2010'), []);
  });

  it('comma = OR, repeated = AND, :missing, on instants and periods (DocumentReference.period)', async () => {
    assert.deepEqual(await notes('lt2019-12-31T23:59:59.500Z,ge2020-01-01'), ['m1', 'm3', 'm4']);
    assert.deepEqual(await notes('ge2019-12-31T23:59:59.500Z&date=lt2020-01-01'), ['m2', 'm3']);
    assert.deepEqual(await notes('2019&date=2020'), []);
    // context.period: m1 [2020-01-01, open), m2 (open, 2019-12-31], m4 [2019-12-01, 2020-01-31]
    // eq: no period lies within January 2020 (m1 has no end, m4 starts in December)
    assert.deepEqual(await s.ids('/DocumentReference?period=2020-01'), []);
    assert.deepEqual(await s.ids('/DocumentReference?period=ne2020-01'), ['m1', 'm2', 'm4']);
    assert.deepEqual(await s.ids('/DocumentReference?period=2019-12-01T00:00:00Z,2019-12,2019-12-01'), []);
    assert.deepEqual(await s.ids('/DocumentReference?period=2019,2020'), []);
    assert.deepEqual(await s.ids('/DocumentReference?period=ge2020-01-15'), ['m1', 'm4']);
    assert.deepEqual(await s.ids('/DocumentReference?period=le2019-12-15'), ['m2', 'm4']);
    assert.deepEqual(await s.ids('/DocumentReference?period=sa2019-12-31'), ['m1']);
    assert.deepEqual(await s.ids('/DocumentReference?period=eb2020-02'), ['m2', 'm4']);
    assert.deepEqual(await s.ids('/DocumentReference?period=gt2020&period=lt2019'), []);
    assert.deepEqual(await s.ids('/DocumentReference?period=ge2020-01-15&period=le2019-12-15'), ['m4']);
    assert.deepEqual(await s.ids('/DocumentReference?period:missing=true'), ['m3']);
    assert.deepEqual(await s.ids('/DocumentReference?period:missing=false'), ['m1', 'm2', 'm4']);
  });

  it('_lastUpdated: the stored instant, compared to the millisecond', async () => {
    const all = (await s.bundle('/DocumentReference?_count=100')).entry.map((e: any) => e.resource);
    const stamp = Object.fromEntries(all.map((r: any) => [r.id, r.meta.lastUpdated as string]));
    const ms = (id: string) => Date.parse(stamp[id]!);
    const where = (keep: (v: number) => boolean) => all.filter((r: any) => keep(Date.parse(r.meta.lastUpdated))).map((r: any) => r.id).sort();
    assert.match(stamp.m3!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=${stamp.m3}`), where((v) => v === ms('m3')));
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=ge${stamp.m3}`), where((v) => v >= ms('m3')));
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=gt${stamp.m3}`), where((v) => v > ms('m3')));
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=lt${stamp.m3}`), where((v) => v < ms('m3')));
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=le${stamp.m3}`), where((v) => v <= ms('m3')));
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=ne${stamp.m3}`), where((v) => v !== ms('m3')));
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=ge${stamp.m2}&_lastUpdated=le${stamp.m3}`), where((v) => v >= ms('m2') && v <= ms('m3')));
    assert.ok(where((v) => v >= ms('m2') && v <= ms('m3')).length >= 2);
    const day = stamp.m1!.slice(0, 10);
    assert.deepEqual(await s.ids(`/DocumentReference?_lastUpdated=${day}`), where((v) => new Date(v).toISOString().startsWith(day)));
    assert.deepEqual(await s.ids('/DocumentReference?_lastUpdated=lt2020'), []);
    assert.deepEqual(await s.ids('/DocumentReference?_lastUpdated=gt2020'), ['m1', 'm2', 'm3', 'm4']);
  });

  it('malformed dates and unknown prefixes → 400 naming the parameter', async () => {
    for (const v of ['2020-13', '2020-02-30', 'xx2020', '2020-01-01T25:00Z', 'today']) {
      const r = await s.status(`/DocumentReference?date=${v}`);
      assert.equal(r.status, 400, v);
      assert.match(r.diagnostics, /date/, v);
    }
  });
});

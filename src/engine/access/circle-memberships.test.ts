import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { membershipsOf, periodOf } from './circle-memberships.js';

const team = (extra: Record<string, unknown> = {}, participant: Record<string, unknown> = {}) => ({
  resourceType: 'CareTeam',
  status: 'active',
  subject: { reference: 'Patient/P' },
  participant: [{ member: { reference: 'PractitionerRole/nurse' }, ...participant }],
  ...extra,
});

describe('circle-of-care memberships', () => {
  it('an active CareTeam opens the patient to each participant, within the team’s and the participant’s periods', () => {
    const [m] = membershipsOf(team({ period: { start: '2026-01-01' } }, { period: { end: '2026-06-30T12:00:00+02:00' } }));
    assert.deepEqual(m, { patientId: 'P', memberType: 'PractitionerRole', memberId: 'nurse', start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 5, 30, 10) });
  });

  it('inactive teams, teams without a Patient subject, members of other types and inactive relatives open nothing', () => {
    assert.deepEqual(membershipsOf(team({ status: 'inactive' })), []);
    assert.deepEqual(membershipsOf(team({ subject: { reference: 'Group/g' } })), []);
    assert.deepEqual(membershipsOf(team({}, { member: { reference: 'CareTeam/other' } })), []);
    assert.deepEqual(membershipsOf({ resourceType: 'RelatedPerson', id: 'rp', active: false, patient: { reference: 'Patient/P' } }), []);
    assert.equal(membershipsOf({ resourceType: 'RelatedPerson', id: 'rp', patient: { reference: 'Patient/P' } })[0]!.memberId, 'rp');
  });

  it('period ends cover their whole precision (year, month, day)', () => {
    assert.deepEqual(periodOf({ start: '2026', end: '2026' }), { start: Date.UTC(2026, 0, 1), end: Date.UTC(2027, 0, 1) - 1 });
    assert.deepEqual(periodOf({ start: '2026-02', end: '2026-02' }), { start: Date.UTC(2026, 1, 1), end: Date.UTC(2026, 2, 1) - 1 });
    assert.deepEqual(periodOf({ end: '2026-02-28' }), { start: Number.MIN_SAFE_INTEGER, end: Date.UTC(2026, 1, 28, 23, 59, 59, 999) });
  });

  it('a leap second is read, and an unreadable bound closes the period instead of opening it', () => {
    assert.equal(periodOf({ end: '2016-12-31T23:59:60Z' }).end, Date.UTC(2016, 11, 31, 23, 59, 59, 999));
    const broken = periodOf({ end: 'not a date' });
    assert.ok(broken.start > broken.end, 'empty period');
    const [m] = membershipsOf(team({}, { period: { start: '2026-13-45T99:00:00Z' } }));
    assert.ok(m!.start > m!.end, 'an unreadable start makes the membership empty');
  });
});

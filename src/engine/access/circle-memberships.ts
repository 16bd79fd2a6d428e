/**
 * Circle-of-care memberships derived from the resources that define them (the ANS "cercle de
 * soins"): the participants of an active CareTeam whose subject is a patient (within each
 * participant's period), and an active RelatedPerson of a patient. Storage keeps them in a
 * table that access filters join.
 */
import { parseRelativeReference } from '../resource-ids.js';

export interface Membership {
  patientId: string;
  memberType: string;
  memberId: string;
  /** Epoch ms, inclusive; open ends are the extreme safe integers. */
  start: number;
  end: number;
}

const OPEN_START = Number.MIN_SAFE_INTEGER;
const OPEN_END = Number.MAX_SAFE_INTEGER;
const MEMBER_TYPES = new Set(['PractitionerRole', 'Practitioner', 'Organization', 'RelatedPerson', 'Patient']);

type Json = Record<string, unknown>;

/** Epoch ms of a FHIR date/dateTime at the start (or end) of its precision; NaN when unreadable. */
function instantOf(value: string, end: boolean): number {
  // A leap second (…:60) is not understood by Date.parse: read it as the last instant of that minute.
  const v = value.replace(/:60(\.\d+)?(?=Z|[+-]\d\d:\d\d|$)/, ':59.999');
  if (/^\d{4}$/.test(v)) return end ? Date.UTC(Number(v) + 1, 0, 1) - 1 : Date.UTC(Number(v), 0, 1);
  const month = /^(\d{4})-(\d{2})$/.exec(v);
  if (month) return end ? Date.UTC(Number(month[1]), Number(month[2]), 1) - 1 : Date.UTC(Number(month[1]), Number(month[2]) - 1, 1);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return Date.parse(end ? `${v}T23:59:59.999Z` : `${v}T00:00:00Z`);
  return Date.parse(v);
}

/**
 * A period as epoch ms, inclusive, ends covering their whole precision (an end of `2026-12` lasts
 * the month). Fails closed: a bound that cannot be read makes the period empty, never open.
 */
export function periodOf(p: unknown): { start: number; end: number } {
  const period = (p ?? {}) as { start?: string; end?: string };
  const start = typeof period.start === 'string' ? instantOf(period.start, false) : OPEN_START;
  const end = typeof period.end === 'string' ? instantOf(period.end, true) : OPEN_END;
  if (Number.isNaN(start) || Number.isNaN(end)) return { start: OPEN_END, end: OPEN_START };
  return { start, end };
}

export function membershipsOf(resource: Json): Membership[] {
  if (resource.resourceType === 'CareTeam') {
    if (resource.status !== 'active') return [];
    const subject = parseRelativeReference(String((resource.subject as { reference?: string } | undefined)?.reference ?? ''));
    if (subject?.type !== 'Patient') return [];
    const teamPeriod = periodOf(resource.period);
    const out: Membership[] = [];
    for (const p of (resource.participant as Array<Json> | undefined) ?? []) {
      const member = parseRelativeReference(String((p.member as { reference?: string } | undefined)?.reference ?? ''));
      if (!member || !MEMBER_TYPES.has(member.type)) continue;
      const own = periodOf(p.period);
      out.push({
        patientId: subject.id,
        memberType: member.type,
        memberId: member.id,
        start: Math.max(own.start, teamPeriod.start),
        end: Math.min(own.end, teamPeriod.end),
      });
    }
    return out;
  }
  if (resource.resourceType === 'RelatedPerson') {
    if (resource.active === false) return [];
    const patient = parseRelativeReference(String((resource.patient as { reference?: string } | undefined)?.reference ?? ''));
    if (patient?.type !== 'Patient') return [];
    const { start, end } = periodOf(resource.period);
    return [{ patientId: patient.id, memberType: 'RelatedPerson', memberId: String(resource.id), start, end }];
  }
  return [];
}

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

function periodOf(p: unknown): { start: number; end: number } {
  const period = (p ?? {}) as { start?: string; end?: string };
  const start = period.start ? Date.parse(period.start) : OPEN_START;
  // A period end without time covers the whole day.
  const end = period.end ? Date.parse(period.end.length === 10 ? `${period.end}T23:59:59.999Z` : period.end) : OPEN_END;
  return { start: Number.isNaN(start) ? OPEN_START : start, end: Number.isNaN(end) ? OPEN_END : end };
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

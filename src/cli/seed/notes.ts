/**
 * The notes (DocumentReference, CdL profile) of one person, drawn in order from the person's own
 * random stream: type, author, date, title and text, urgency, audience restriction, replies.
 */
import { extensions, typeNote, visibilityStatus } from '../../fhir/terminology.js';
import { NOTE_MASTER_IDENTIFIER_SYSTEM, NOTE_TYPE_SHARES, RELATIONS, SECURITY_LABEL_SHARES, type NoteTypeCode, type ProfessionKey } from './codes.js';
import type { DataSetPlan, PatientProfile, RelativeProfile } from './plan.js';
import { DAY_MS } from './plan.js';
import { PHOTOS } from './png.js';
import { Rng } from './random.js';
import { noteText, replyText, weightText, type AuthorKind, type TextContext } from './texts.js';

/** Shares (probabilities) of the note features. */
export const SHARES = {
  urgent: 0.05,
  securityLabel: 0.1,
  enteredInError: 0.01,
  /** A reply to the request for advice just before (when there is one). */
  answerToRequest: 0.6,
  /** An acknowledgement of one of the last notes. */
  acknowledgement: 0.07,
  /** Scale owners: share of their observation notes that are weights. */
  weightAmongObservations: 0.45,
  /** Professional notes that name the Practitioner beside the PractitionerRole (as the IG's example). */
  practitionerToo: 0.2,
  /** Nurse notes (care, observation) with a photo. */
  photoAmongNurseNotes: 0.04,
} as const;

/** Probability that a note of this type is written by a relative / by the person (when possible). */
const RELATIVE_SHARE: Record<NoteTypeCode, number> = { OBS: 0.08, GEN: 0.15, 'DEM-AVIS': 0.15, INTERV: 0, INST: 0 };
const PATIENT_SHARE: Record<NoteTypeCode, number> = { OBS: 0.03, GEN: 0.06, 'DEM-AVIS': 0.08, INTERV: 0, INST: 0 };

/** Which professions write which note types (relative weights). */
const PROFESSION_WEIGHTS: Record<NoteTypeCode, Partial<Record<ProfessionKey, number>>> = {
  INTERV: { nurse: 45, homeHelp: 35, physio: 10, aes: 6, ot: 1, socialWorker: 1, gp: 2 },
  OBS: { nurse: 40, homeHelp: 30, gp: 12, physio: 8, aes: 6, socialWorker: 2, ot: 2 },
  GEN: { gp: 25, nurse: 25, socialWorker: 20, homeHelp: 20, physio: 5, aes: 3, ot: 2 },
  INST: { gp: 75, nurse: 20, physio: 3, ot: 2 },
  'DEM-AVIS': { nurse: 50, homeHelp: 20, physio: 10, socialWorker: 10, aes: 5, gp: 5 },
};

export type NoteAuthor =
  | { kind: 'professional'; member: number /* index in the patient's circle */ }
  | { kind: 'relative'; ordinal: number }
  | { kind: 'patient' }
  | { kind: 'device' };

export interface NoteDraft {
  patient: number;
  /** Position among the person's notes (0-based). */
  k: number;
  masterIdentifier: string;
  type: NoteTypeCode;
  status: 'current' | 'entered-in-error';
  author: NoteAuthor;
  /** Also name the professional's Practitioner as author. */
  practitionerToo: boolean;
  date: string;
  title: string;
  text: string;
  urgent: boolean;
  securityLabel?: string;
  /** Position of the note this one replies to. */
  replyTo?: number;
  photo?: number;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Last Sunday of a month (UTC date), at 01:00 UTC: when European summer time starts or ends. */
function lastSundayAt1Utc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * DAY_MS;
}

/** Europe/Paris offset (hours) at a UTC instant. */
export function parisOffsetHours(utc: number): 1 | 2 {
  const year = new Date(utc).getUTCFullYear();
  return utc >= lastSundayAt1Utc(year, 2) && utc < lastSundayAt1Utc(year, 9) ? 2 : 1;
}

/** A FHIR instant in Paris local time with its offset, from a local day (epoch ms of its 00:00 "UTC") and minutes. */
export function parisInstant(localDay: number, minutes: number, seconds: number): { instant: string; utc: number } {
  const local = localDay + minutes * 60_000 + seconds * 1000;
  const offset = parisOffsetHours(local - 3_600_000);
  const d = new Date(local);
  const instant =
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+0${offset}:00`;
  return { instant, utc: local - offset * 3_600_000 };
}

/** Minutes after midnight (local) at which an author of this kind typically writes. */
function minuteOfDay(rng: Rng, kind: AuthorKind, profession: ProfessionKey | undefined): number {
  switch (kind) {
    case 'device':
      return rng.int(6 * 60 + 30, 9 * 60);
    case 'relative':
    case 'patient':
      return rng.chance(0.7) ? rng.int(18 * 60, 22 * 60) : rng.int(9 * 60, 14 * 60);
    default:
      if (profession === 'nurse') return rng.chance(0.7) ? rng.int(7 * 60, 12 * 60) : rng.int(17 * 60, 20 * 60 + 30);
      if (profession === 'homeHelp' || profession === 'aes') return rng.int(8 * 60, 18 * 60 + 30);
      return rng.int(9 * 60, 19 * 60);
  }
}

/**
 * Draws the notes of one person, in order. `next()` must be called `patient.noteCount` times.
 */
export class PatientNotes {
  private readonly rng: Rng;
  private readonly days: Float64Array;
  private readonly types: NoteTypeCode[] = [];
  private readonly titles: string[] = [];
  private readonly authors: NoteAuthor[] = [];
  private readonly utc: Float64Array;
  private lastWeight: number | undefined;
  private k = 0;

  constructor(
    private readonly plan: DataSetPlan,
    private readonly patient: PatientProfile,
    private readonly relatives: RelativeProfile[],
  ) {
    this.rng = Rng.for(plan.seed, 'notes', patient.index);
    const n = patient.noteCount;
    // The follow-up started some time in the period (often before it); notes are spread after.
    const fromDay = Math.floor(plan.from / DAY_MS);
    const untilDay = Math.floor(plan.until / DAY_MS) - 1;
    const startDay = this.rng.chance(0.45) ? fromDay : this.rng.int(fromDay, Math.max(fromDay, untilDay - 30));
    const days = new Float64Array(n);
    for (let i = 0; i < n; i++) days[i] = this.rng.int(startDay, untilDay);
    days.sort();
    this.days = days;
    this.utc = new Float64Array(n);
  }

  private professionalFor(type: NoteTypeCode, prefer?: ProfessionKey): number {
    const circle = this.patient.circle;
    if (prefer) {
      const i = circle.findIndex((m) => m.profession === prefer);
      if (i >= 0) return i;
    }
    const weights = circle.map((m) => PROFESSION_WEIGHTS[type][m.profession] ?? 0);
    if (weights.every((w) => w === 0)) return this.rng.int(0, circle.length - 1);
    return this.rng.weightedIndex(weights);
  }

  next(): NoteDraft {
    const rng = this.rng;
    const p = this.patient;
    const k = this.k++;
    const type = rng.weighted(NOTE_TYPE_SHARES);

    // A reply? To the request for advice just before, or an acknowledgement of a recent note.
    let replyTo: number | undefined;
    let answersRequest = false;
    if (k > 0 && this.types[k - 1] === 'DEM-AVIS' && type !== 'DEM-AVIS' && rng.chance(SHARES.answerToRequest)) {
      replyTo = k - 1;
      answersRequest = true;
    } else if (k > 0 && rng.chance(SHARES.acknowledgement)) {
      replyTo = rng.int(Math.max(0, k - 3), k - 1);
    }

    // The author.
    let author: NoteAuthor;
    if (answersRequest) {
      const parent = this.authors[replyTo!]!;
      const parentIsGp = parent.kind === 'professional' && p.circle[parent.member]!.profession === 'gp';
      author = { kind: 'professional', member: this.professionalFor(type, parentIsGp ? 'nurse' : 'gp') };
    } else if (replyTo === undefined && type === 'OBS' && p.device >= 0 && rng.chance(SHARES.weightAmongObservations)) {
      author = { kind: 'device' };
    } else {
      const r = rng.next();
      if (p.relativeCount > 0 && r < RELATIVE_SHARE[type]) author = { kind: 'relative', ordinal: rng.int(0, p.relativeCount - 1) };
      else if (r >= 1 - PATIENT_SHARE[type]) author = { kind: 'patient' };
      else author = { kind: 'professional', member: this.professionalFor(type) };
    }
    const profession = author.kind === 'professional' ? p.circle[author.member]!.profession : undefined;

    // Date: the note's day, at a time that suits the author; a reply comes within two days of
    // its parent.
    let day = this.days[k]! * DAY_MS;
    let minutes = minuteOfDay(rng, author.kind, profession);
    const seconds = rng.int(0, 59);
    if (replyTo !== undefined) {
      const parentUtc = this.utc[replyTo]!;
      const localDayOf = (utc: number) => Math.floor((utc + parisOffsetHours(utc) * 3_600_000) / DAY_MS) * DAY_MS;
      day = localDayOf(parentUtc) + rng.int(0, 2) * DAY_MS;
      if (parisInstant(day, minutes, seconds).utc <= parentUtc) day += DAY_MS;
      if (parisInstant(day, minutes, seconds).utc >= this.plan.until) {
        // Near the end of the period: the reply comes shortly after its parent instead.
        const at = parentUtc + rng.int(15, 90) * 60_000;
        day = localDayOf(at);
        minutes = Math.floor((at + parisOffsetHours(at) * 3_600_000 - day) / 60_000);
      }
    }
    const { instant, utc } = parisInstant(day, minutes, seconds);
    this.utc[k] = utc;
    const visitMinutes = Math.max(6 * 60, Math.floor((minutes - rng.int(0, 40)) / 5) * 5);

    // Text.
    const urgent = author.kind !== 'device' && replyTo === undefined && rng.chance(SHARES.urgent);
    const relative = author.kind === 'relative' ? this.relatives[author.ordinal] : undefined;
    const ctx: TextContext = {
      female: p.sex === 'female',
      rel: relative ? RELATIONS[relative.relation].callsPatient[p.sex] : p.sex === 'female' ? 'Maman' : 'Papa',
      visit: `${Math.floor(visitMinutes / 60)}h${pad2(visitMinutes % 60)}`,
      rng,
    };
    let composed;
    if (author.kind === 'device') {
      const kg = Math.round((p.weightKg + 1.5 * rng.normal()) * 10) / 10;
      composed = weightText(kg, this.lastWeight);
      this.lastWeight = kg;
    } else if (replyTo !== undefined) {
      composed = replyText(this.titles[replyTo]!.replace(/^Re : /, ''), answersRequest, type, author.kind, profession, ctx);
    } else {
      composed = noteText(type, author.kind, profession, urgent, ctx);
    }

    let photo: number | undefined;
    if (profession === 'nurse' && (type === 'INTERV' || type === 'OBS') && !urgent && rng.chance(SHARES.photoAmongNurseNotes)) {
      photo = rng.int(0, PHOTOS.length - 1);
      composed = { title: composed.title, text: `${composed.text} Photo jointe.` };
    }

    const draft: NoteDraft = {
      patient: p.index,
      k,
      masterIdentifier: `NOTE-${this.plan.seed}-${p.index + 1}-${k + 1}`,
      type,
      status: rng.chance(SHARES.enteredInError) ? 'entered-in-error' : 'current',
      author,
      practitionerToo: author.kind === 'professional' && rng.chance(SHARES.practitionerToo),
      date: instant,
      title: composed.title,
      text: composed.text,
      urgent,
    };
    if (author.kind !== 'device' && rng.chance(SHARES.securityLabel)) draft.securityLabel = rng.weighted(SECURITY_LABEL_SHARES);
    if (replyTo !== undefined) draft.replyTo = replyTo;
    if (photo !== undefined) draft.photo = photo;
    this.types.push(type);
    this.titles.push(composed.title);
    this.authors.push(author);
    return draft;
  }
}

export interface NoteReferences {
  patientId: string;
  /** The authors' references (`Type/id`), in order. */
  authors: string[];
  /** The server id of the note replied to. */
  parentId?: string;
}

/** The DocumentReference of a drafted note. */
export function noteResource(d: NoteDraft, refs: NoteReferences): Record<string, unknown> {
  const note: Record<string, unknown> = {
    resourceType: 'DocumentReference',
    masterIdentifier: { system: NOTE_MASTER_IDENTIFIER_SYSTEM, value: d.masterIdentifier },
    status: d.status,
    type: { coding: [{ system: typeNote.url, code: d.type, display: typeNote.codes[d.type] }] },
    subject: { reference: `Patient/${refs.patientId}` },
    date: d.date,
    author: refs.authors.map((reference) => ({ reference })),
    description: d.title,
    content: [
      {
        attachment: {
          contentType: 'text/plain',
          language: 'fr',
          data: Buffer.from(d.text, 'utf8').toString('base64'),
          title: d.title,
          creation: d.date,
        },
      },
    ],
  };
  if (d.urgent) note.extension = [{ url: extensions.isEmergency, valueBoolean: true }];
  if (d.securityLabel) {
    note.securityLabel = [{ coding: [{ system: visibilityStatus.url, code: d.securityLabel, display: visibilityStatus.codes[d.securityLabel] }] }];
  }
  if (d.replyTo !== undefined && refs.parentId) note.relatesTo = [{ code: 'appends', target: { reference: `DocumentReference/${refs.parentId}` } }];
  if (d.photo !== undefined) {
    const photo = PHOTOS[d.photo]!;
    (note.content as unknown[]).push({ attachment: { contentType: 'image/png', data: photo.base64, title: photo.title, creation: d.date } });
  }
  return note;
}

/**
 * Loads the seed data set through the engine's own write path (`engine.handle`, exactly as HTTP
 * requests would run): actors first (they are referenced), then the notes. Many creates are kept in
 * flight so that the storage's group commit batches them.
 */
import type { FhirResponse } from '../../engine/fhir-request.js';
import {
  careTeamResource,
  deviceResource,
  organizationResource,
  patientResource,
  practitionerResource,
  practitionerRoleResource,
  relatedPersonResource,
  relativeIdentifier,
} from './actors.js';
import { noteResource, PatientNotes, type NoteDraft } from './notes.js';
import type { EngineLike, SeedCallContext } from './context.js';
import { DataSetPlan, type PatientProfile, type RelativeProfile } from './plan.js';

export interface SeedOptions {
  seed: number;
  notes: number;
  patients: number;
  /** End of the period covered by the notes (epoch ms). */
  until: number;
  /** Creates kept in flight. */
  concurrency: number;
  /** Progress line every this many ms (0: none). */
  progressEveryMs: number;
  /** Where progress and summary lines go. */
  log: (line: string) => void;
  /** Called for every resource created: its type, business identifier and server id. */
  onCreated?: (type: string, identifier: string, id: string) => void;
  /** Checked between creates: when it returns true, no new create starts. */
  shouldStop?: () => boolean;
}

export interface FailureGroup {
  type: string;
  status: number;
  count: number;
  /** The first diagnostics seen (at most 3). */
  examples: string[];
}

export interface NoteStats {
  byType: Record<string, number>;
  byAuthor: Record<string, number>;
  byStatus: Record<string, number>;
  urgent: number;
  securityLabel: number;
  replies: number;
  withPhoto: number;
}

export interface SeedSummary {
  created: Record<string, number>;
  failed: number;
  failures: FailureGroup[];
  /** Resources not attempted because something they reference could not be created. */
  skipped: number;
  notes: NoteStats;
  elapsedMs: number;
  actorsMs: number;
  notesMs: number;
  notesPerSecond: number;
  interrupted: boolean;
}

const CREATE_HEADERS = { prefer: 'return=minimal' };

/** `…/Type/id/_history/1` → id. */
function idFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const parts = location.split('/');
  const h = parts.lastIndexOf('_history');
  return h >= 1 ? parts[h - 1] : undefined;
}

/** Runs `task` over the items of `source` with at most `concurrency` tasks in flight. */
async function pool<T>(source: Iterator<T>, concurrency: number, task: (item: T) => Promise<void>, stop: () => boolean): Promise<void> {
  const worker = async () => {
    for (;;) {
      if (stop()) return;
      const next = source.next();
      if (next.done) return;
      await task(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

interface NoteTask {
  draft: NoteDraft;
  patient: PatientProfile;
  patientId: string;
  relatives: Array<string | undefined>;
  ids: Array<Promise<string | undefined>>;
  resolve: (id: string | undefined) => void;
}

export class SeedRunner {
  readonly plan: DataSetPlan;
  private readonly created: Record<string, number> = {};
  private readonly failureGroups = new Map<string, FailureGroup>();
  private failed = 0;
  private skipped = 0;
  private readonly noteStats: NoteStats = { byType: {}, byAuthor: {}, byStatus: {}, urgent: 0, securityLabel: 0, replies: 0, withPhoto: 0 };
  private phase = '';
  private phaseTotal = 0;
  private phaseDone = 0;
  private phaseStartedAt = 0;
  private stopped = false;

  private organizationIds: Array<string | undefined> = [];
  private practitionerIds: Array<string | undefined> = [];
  private roleIds: Array<string | undefined> = [];
  private patientIds: Array<string | undefined> = [];
  private deviceIds: Array<string | undefined> = [];
  private relativeIds: Array<Array<string | undefined> | undefined> = [];

  constructor(
    private readonly engine: EngineLike,
    private readonly ctx: SeedCallContext,
    private readonly options: SeedOptions,
  ) {
    this.plan = new DataSetPlan(options);
  }

  private stop = (): boolean => {
    if (!this.stopped && this.options.shouldStop?.()) this.stopped = true;
    return this.stopped;
  };

  private recordFailure(type: string, status: number, diagnostics: string): void {
    this.failed++;
    const key = `${type} ${status}`;
    let g = this.failureGroups.get(key);
    if (!g) {
      g = { type, status, count: 0, examples: [] };
      this.failureGroups.set(key, g);
    }
    g.count++;
    if (g.examples.length < 3) {
      // Values quoted in a diagnostic could be personal data: only the message and paths are kept.
      const scrubbed = diagnostics.replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"');
      g.examples.push(scrubbed.length > 300 ? `${scrubbed.slice(0, 300)}…` : scrubbed);
    }
  }

  /** POSTs a resource; its server id, or undefined (failure recorded). */
  private async create(type: string, resource: Record<string, unknown>, identifier: string): Promise<string | undefined> {
    let response: FhirResponse;
    try {
      response = await this.engine.handle({ method: 'POST', path: [type], query: [], body: resource, headers: CREATE_HEADERS }, this.ctx);
    } catch (err) {
      const e = err as { status?: unknown; issues?: Array<{ diagnostics?: string; expression?: string[] }>; message?: string };
      const status = typeof e.status === 'number' ? e.status : 500;
      const diagnostics = Array.isArray(e.issues)
        ? e.issues.map((i) => `${i.expression?.join(',') ?? ''} ${i.diagnostics ?? ''}`.trim()).join(' | ')
        : (e.message ?? String(err));
      this.recordFailure(type, status, diagnostics);
      return undefined;
    } finally {
      this.phaseDone++;
    }
    const id = response.status === 201 ? idFromLocation(response.headers.location) : undefined;
    if (id === undefined) {
      this.recordFailure(type, response.status, `unexpected answer to a create (status ${response.status})`);
      return undefined;
    }
    this.created[type] = (this.created[type] ?? 0) + 1;
    this.options.onCreated?.(type, identifier, id);
    return id;
  }

  private startPhase(name: string, total: number): void {
    this.phase = name;
    this.phaseTotal = total;
    this.phaseDone = 0;
    this.phaseStartedAt = Date.now();
  }

  private relativesOf(p: PatientProfile): RelativeProfile[] {
    const out: RelativeProfile[] = [];
    for (let r = 0; r < p.relativeCount; r++) out.push(this.plan.relative(p, r));
    return out;
  }

  async run(): Promise<SeedSummary> {
    const { plan, options } = this;
    const started = Date.now();
    const C = options.concurrency;
    let lastAt = started;
    let lastDone = 0;
    let lastPhase = '';
    const timer =
      options.progressEveryMs > 0
        ? setInterval(() => {
            const now = Date.now();
            if (this.phase !== lastPhase) {
              lastPhase = this.phase;
              lastDone = 0;
              lastAt = Math.max(lastAt, this.phaseStartedAt);
            }
            const rate = ((this.phaseDone - lastDone) * 1000) / Math.max(1, now - lastAt);
            const pct = this.phaseTotal > 0 ? ((100 * this.phaseDone) / this.phaseTotal).toFixed(1) : '100';
            options.log(
              `  ${this.phase}: ${this.phaseDone}/${this.phaseTotal} (${pct}%) ${Math.round(rate)}/s` +
                (this.failed > 0 ? `, ${this.failed} failed` : '') +
                `, ${((now - started) / 1000).toFixed(0)} s elapsed`,
            );
            lastAt = now;
            lastDone = this.phaseDone;
          }, options.progressEveryMs)
        : undefined;
    timer?.unref();

    try {
      // 1. Establishments.
      this.startPhase('Organization', plan.organizationCount);
      this.organizationIds = new Array(plan.organizationCount);
      await pool(range(plan.organizationCount), C, async (o) => {
        const profile = plan.organization(o);
        this.organizationIds[o] = await this.create('Organization', organizationResource(profile), profile.idNatSt);
      }, this.stop);

      // 2. Professionals, then their situations of practice.
      this.startPhase('Practitioner', plan.professionalCount);
      this.practitionerIds = new Array(plan.professionalCount);
      await pool(range(plan.professionalCount), C, async (i) => {
        const profile = plan.professional(i);
        this.practitionerIds[i] = await this.create('Practitioner', practitionerResource(profile), profile.idNatPs);
      }, this.stop);

      this.startPhase('PractitionerRole', plan.professionalCount);
      this.roleIds = new Array(plan.professionalCount);
      await pool(range(plan.professionalCount), C, async (i) => {
        const profile = plan.professional(i);
        const practitionerId = this.practitionerIds[i];
        if (!practitionerId) return void this.skipped++;
        const resource = practitionerRoleResource(profile, practitionerId, this.organizationIds[profile.organization]);
        this.roleIds[i] = await this.create('PractitionerRole', resource, `${profile.idNatPs}/${profile.profession.code}`);
      }, this.stop);

      // 3. The persons cared for, their connected scales and their relatives.
      this.startPhase('Patient', plan.patientCount);
      this.patientIds = new Array(plan.patientCount);
      await pool(range(plan.patientCount), C, async (i) => {
        const profile = plan.patient(i);
        this.patientIds[i] = await this.create('Patient', patientResource(profile), profile.ins.value);
      }, this.stop);

      this.startPhase('Device', plan.deviceCount);
      this.deviceIds = new Array(plan.deviceCount);
      await pool(range(plan.deviceCount), C, async (d) => {
        const profile = plan.device(d);
        const patientId = this.patientIds[profile.patient];
        if (!patientId) return void this.skipped++;
        this.deviceIds[d] = await this.create('Device', deviceResource(profile, patientId), profile.serialNumber);
      }, this.stop);

      const self = this;
      function* relatives(): Generator<RelativeProfile> {
        for (let i = 0; i < plan.patientCount; i++) {
          const p = plan.patient(i);
          if (p.relativeCount > 0) {
            self.relativeIds[i] = new Array(p.relativeCount);
            yield* self.relativesOf(p);
          }
        }
      }
      this.relativeIds = new Array(plan.patientCount);
      let relativeTotal = 0;
      for (let i = 0; i < plan.patientCount; i++) relativeTotal += plan.patient(i).relativeCount;
      this.startPhase('RelatedPerson', relativeTotal);
      await pool(relatives(), C, async (r) => {
        const patientId = this.patientIds[r.patient];
        if (!patientId) return void this.skipped++;
        this.relativeIds[r.patient]![r.ordinal] = await this.create('RelatedPerson', relatedPersonResource(plan.seed, r, patientId), relativeIdentifier(plan.seed, r));
      }, this.stop);

      // 4. One care team per person.
      this.startPhase('CareTeam', plan.patientCount);
      await pool(range(plan.patientCount), C, async (i) => {
        const patientId = this.patientIds[i];
        if (!patientId) return void this.skipped++;
        const p = plan.patient(i);
        const roles: Array<{ id: string; profession: PatientProfile['circle'][number]['profession'] }> = [];
        const organizations = new Set<string>();
        for (const m of p.circle) {
          const id = this.roleIds[m.professional];
          if (id) roles.push({ id, profession: m.profession });
          const org = this.organizationIds[plan.professional(m.professional).organization];
          if (org) organizations.add(org);
        }
        const relatives = this.relativesOf(p).flatMap((r) => {
          const id = this.relativeIds[i]?.[r.ordinal];
          return id ? [{ id, guardian: r.guardian }] : [];
        });
        const managing = this.organizationIds[plan.organizationIndex(p.territory, p.circle.some((m) => m.profession === 'nurse') ? 'ssiad' : 'msp')];
        const team = careTeamResource({
          patientId,
          roles,
          organizationIds: [...organizations],
          relatives,
          ...(managing ? { managingOrganizationId: managing } : {}),
          start: new Date(plan.from).toISOString().slice(0, 10),
        });
        await this.create('CareTeam', team, `careteam/${p.ins.value}`);
      }, this.stop);
      const actorsMs = Date.now() - started;

      // 5. The notes, person after person; a reply waits for the note it answers.
      const notesStarted = Date.now();
      this.startPhase('DocumentReference', plan.noteTotal);
      const tasks = function* (): Generator<NoteTask> {
        for (let i = 0; i < plan.patientCount; i++) {
          const count = plan.noteCount(i);
          if (count === 0) continue;
          const patientId = self.patientIds[i];
          if (!patientId) {
            self.skipped += count;
            continue;
          }
          const patient = plan.patient(i);
          const stream = new PatientNotes(plan, patient, self.relativesOf(patient));
          const ids: Array<Promise<string | undefined>> = new Array(count);
          for (let k = 0; k < count; k++) {
            const draft = stream.next();
            let resolve!: (id: string | undefined) => void;
            ids[k] = new Promise((r) => (resolve = r));
            yield { draft, patient, patientId, relatives: self.relativeIds[i] ?? [], ids, resolve };
          }
        }
      };
      await pool(tasks(), C, (t) => this.createNote(t), this.stop);
      const notesMs = Date.now() - notesStarted;

      const summary: SeedSummary = {
        created: { ...this.created },
        failed: this.failed,
        failures: [...this.failureGroups.values()],
        skipped: this.skipped,
        notes: this.noteStats,
        elapsedMs: Date.now() - started,
        actorsMs,
        notesMs,
        notesPerSecond: Math.round(((this.created.DocumentReference ?? 0) * 1000) / Math.max(1, notesMs)),
        interrupted: this.stopped,
      };
      return summary;
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  private authorReferences(t: NoteTask): string[] | undefined {
    const a = t.draft.author;
    switch (a.kind) {
      case 'patient':
        return [`Patient/${t.patientId}`];
      case 'device': {
        const id = this.deviceIds[t.patient.device];
        return id ? [`Device/${id}`] : undefined;
      }
      case 'relative': {
        const id = t.relatives[a.ordinal];
        return id ? [`RelatedPerson/${id}`] : undefined;
      }
      case 'professional': {
        const member = t.patient.circle[a.member]!;
        const role = this.roleIds[member.professional];
        if (!role) return undefined;
        const refs = [`PractitionerRole/${role}`];
        const practitioner = this.practitionerIds[member.professional];
        if (t.draft.practitionerToo && practitioner) refs.push(`Practitioner/${practitioner}`);
        return refs;
      }
    }
  }

  private async createNote(t: NoteTask): Promise<void> {
    const d = t.draft;
    const authors = this.authorReferences(t);
    if (!authors) {
      this.skipped++;
      this.phaseDone++;
      t.resolve(undefined);
      return;
    }
    const parentId = d.replyTo === undefined ? undefined : await t.ids[d.replyTo];
    const refs = parentId === undefined ? { patientId: t.patientId, authors } : { patientId: t.patientId, authors, parentId };
    const id = await this.create('DocumentReference', noteResource(d, refs), d.masterIdentifier);
    t.resolve(id);
    if (id === undefined) return;
    const s = this.noteStats;
    s.byType[d.type] = (s.byType[d.type] ?? 0) + 1;
    const authorType = d.author.kind === 'professional' ? 'PractitionerRole' : d.author.kind === 'relative' ? 'RelatedPerson' : d.author.kind === 'patient' ? 'Patient' : 'Device';
    s.byAuthor[authorType] = (s.byAuthor[authorType] ?? 0) + 1;
    s.byStatus[d.status] = (s.byStatus[d.status] ?? 0) + 1;
    if (d.urgent) s.urgent++;
    if (d.securityLabel) s.securityLabel++;
    if (parentId !== undefined) s.replies++;
    if (d.photo !== undefined) s.withPhoto++;
  }
}

/** The summary as printable lines (counts only: no personal data). */
export function summaryLines(s: SeedSummary): string[] {
  const pct = (n: number, total: number) => (total > 0 ? `${((100 * n) / total).toFixed(1)}%` : '-');
  const notes = s.created.DocumentReference ?? 0;
  const lines: string[] = [];
  lines.push(s.interrupted ? 'Seed interrupted.' : 'Seed complete.');
  const order = ['Organization', 'Practitioner', 'PractitionerRole', 'Patient', 'Device', 'RelatedPerson', 'CareTeam', 'DocumentReference'];
  lines.push(`  created: ${order.filter((t) => s.created[t]).map((t) => `${t} ${s.created[t]}`).join(', ')}`);
  const fmt = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v} (${pct(v, notes)})`)
      .join(', ');
  lines.push(`  notes by type: ${fmt(s.notes.byType)}`);
  lines.push(`  notes by author: ${fmt(s.notes.byAuthor)}`);
  lines.push(`  notes by status: ${fmt(s.notes.byStatus)}`);
  lines.push(
    `  urgent ${s.notes.urgent} (${pct(s.notes.urgent, notes)}), audience-restricted ${s.notes.securityLabel} (${pct(s.notes.securityLabel, notes)}), ` +
      `replies ${s.notes.replies} (${pct(s.notes.replies, notes)}), with a photo ${s.notes.withPhoto} (${pct(s.notes.withPhoto, notes)})`,
  );
  lines.push(
    `  elapsed ${(s.elapsedMs / 1000).toFixed(1)} s (actors ${(s.actorsMs / 1000).toFixed(1)} s, notes ${(s.notesMs / 1000).toFixed(1)} s): ${s.notesPerSecond} notes/s`,
  );
  if (s.failed > 0 || s.skipped > 0) {
    lines.push(`  FAILED ${s.failed} creates, skipped ${s.skipped} (a resource they reference failed)`);
    for (const g of s.failures) {
      lines.push(`    ${g.type} ${g.status}: ${g.count}`);
      for (const e of g.examples) lines.push(`      ${e}`);
    }
  } else lines.push('  0 failed');
  return lines;
}

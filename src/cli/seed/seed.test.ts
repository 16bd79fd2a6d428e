/** The seed data set: loaded through the engine, valid CdL notes, deterministic. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../../engine/engine.js';
import type { FhirRequest, FhirResponse } from '../../engine/fhir-request.js';
import { validateCdlDocumentReference } from '../../fhir/profiles/cdl-document-reference.js';
import { extensions, identifierSystems, noteAuthorTypes, typeNote, visibilityStatus } from '../../fhir/terminology.js';
import { loadConfig } from '../../server/config.js';
import { createServer, type Server } from '../../server/compose.js';
import { NOTE_MASTER_IDENTIFIER_SYSTEM } from './codes.js';
import { seedContext } from './context.js';
import { isLuhnValid, isNirValid } from './identifiers.js';
import { parisInstant } from './notes.js';
import { parseOptions } from './options.js';
import { DataSetPlan, DAY_MS } from './plan.js';
import { PHOTOS } from './png.js';
import { SeedRunner, summaryLines, type SeedSummary } from './runner.js';

type Json = Record<string, any>;

const UNTIL = Date.parse('2026-12-01T00:00:00Z');
const BASE = 'http://localhost/fhir';

interface Loaded {
  dir: string;
  server: Server;
  summary: SeedSummary;
  created: Array<{ type: string; identifier: string; id: string }>;
}

async function load(seed: number, notes: number, patients: number): Promise<Loaded> {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-seed-'));
  const server = await createServer(loadConfig({ CDL_DATA_DIR: dir, CDL_LOG_LEVEL: 'silent' }));
  const created: Loaded['created'] = [];
  const runner = new SeedRunner(server.engine, seedContext(BASE), {
    seed,
    notes,
    patients,
    until: UNTIL,
    concurrency: 64,
    progressEveryMs: 0,
    log: () => {},
    onCreated: (type, identifier, id) => created.push({ type, identifier, id }),
  });
  const summary = await runner.run();
  return { dir, server, summary, created };
}

function bodyJson(res: FhirResponse): Json {
  const b = res.body;
  assert.ok(b, 'a body');
  if (b.kind === 'json') return JSON.parse(b.json) as Json;
  if (b.kind === 'resource') return b.resource as Json;
  throw new Error('unexpected binary body');
}

async function read(engine: Engine, type: string, id: string): Promise<Json> {
  const res = await engine.handle({ method: 'GET', path: [type, id], query: [], headers: {} }, seedContext(BASE));
  assert.equal(res.status, 200, `GET ${type}/${id}`);
  return bodyJson(res);
}

const identifiersOf = (l: Loaded) => l.created.map((c) => `${c.type}|${c.identifier}`).sort();

describe('seed data set (300 notes)', () => {
  let a: Loaded;
  let b: Loaded;
  let plan: DataSetPlan;

  before(async () => {
    a = await load(7, 300, 30);
    b = await load(7, 300, 30);
    plan = new DataSetPlan({ seed: 7, notes: 300, patients: 30, until: UNTIL });
  });

  after(async () => {
    for (const l of [a, b]) {
      if (!l) continue;
      await l.server.close();
      rmSync(l.dir, { recursive: true, force: true });
    }
  });

  it('creates every resource with no failure', () => {
    const s = a.summary;
    assert.equal(s.failed, 0, summaryLines(s).join('\n'));
    assert.equal(s.skipped, 0);
    let relatives = 0;
    for (let i = 0; i < 30; i++) relatives += plan.patient(i).relativeCount;
    assert.deepEqual(s.created, {
      Organization: plan.organizationCount,
      Practitioner: plan.professionalCount,
      PractitionerRole: plan.professionalCount,
      Patient: 30,
      Device: plan.deviceCount,
      RelatedPerson: relatives,
      CareTeam: 30,
      DocumentReference: 300,
    });
    assert.ok(relatives >= 8 && relatives <= 30, `about half of the patients have relatives (${relatives})`);
  });

  it('counts the notes per type, status and author', () => {
    const n = a.summary.notes;
    const sum = (m: Record<string, number>) => Object.values(m).reduce((x, y) => x + y, 0);
    assert.equal(sum(n.byType), 300);
    assert.equal(sum(n.byAuthor), 300);
    assert.equal(sum(n.byStatus), 300);
    assert.deepEqual(Object.keys(n.byType).sort(), Object.keys(typeNote.codes).sort());
    assert.ok(n.byType.OBS! > n.byType.INTERV! && n.byType.INTERV! > n.byType.GEN!, JSON.stringify(n.byType));
    assert.ok(n.byAuthor.PractitionerRole! > 200, JSON.stringify(n.byAuthor));
    assert.ok(n.replies > 0 && n.urgent > 0 && n.securityLabel > 0, JSON.stringify(n));
  });

  it('stores valid CdL notes that read back through the engine', async () => {
    const noteIds = a.created.filter((c) => c.type === 'DocumentReference').map((c) => c.id);
    const notes = await Promise.all(noteIds.map((id) => read(a.server.engine, 'DocumentReference', id)));
    const byId = new Map(notes.map((n) => [n.id as string, n]));
    const masters = new Set<string>();
    let replies = 0;
    let urgent = 0;
    let labelled = 0;
    let photos = 0;
    for (const n of notes) {
      assert.deepEqual(validateCdlDocumentReference(n), [], `note ${n.id} conforms to cdl-document-reference`);
      const coding = n.type.coding[0];
      assert.equal(coding.system, typeNote.url);
      assert.ok(Object.hasOwn(typeNote.codes, coding.code), coding.code);
      assert.match(n.subject.reference, /^Patient\/[A-Za-z0-9.-]+$/);
      assert.ok(n.author.length >= 1);
      for (const author of n.author) {
        const type = String(author.reference).split('/')[0];
        assert.ok((noteAuthorTypes as readonly string[]).includes(type!), `author type ${type}`);
      }
      assert.ok(['current', 'entered-in-error'].includes(n.status));
      assert.match(n.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
      const t = Date.parse(n.date);
      assert.ok(t >= UNTIL - 731 * DAY_MS && t <= UNTIL + DAY_MS, `date ${n.date} in the last two years`);
      assert.equal(n.masterIdentifier.system, NOTE_MASTER_IDENTIFIER_SYSTEM);
      assert.ok(!masters.has(n.masterIdentifier.value), 'unique masterIdentifier');
      masters.add(n.masterIdentifier.value);
      assert.equal(typeof n.description, 'string');
      const text = n.content[0].attachment;
      assert.equal(text.contentType, 'text/plain');
      assert.ok(Buffer.from(text.data, 'base64').toString('utf8').length > 5);
      assert.equal(typeof text.hash, 'string', 'the server computed the hash');
      if (n.content.length > 1) {
        photos++;
        assert.equal(n.content[1].attachment.contentType, 'image/png');
        const png = Buffer.from(n.content[1].attachment.data, 'base64');
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
        assert.ok(png.length > 100 && png.length < 2000, `a small PNG (${png.length} bytes)`);
      }
      if (n.extension?.some((e: Json) => e.url === extensions.isEmergency && e.valueBoolean === true)) urgent++;
      if (n.securityLabel) {
        labelled++;
        assert.equal(n.securityLabel[0].coding[0].system, visibilityStatus.url);
        assert.ok(Object.hasOwn(visibilityStatus.codes, n.securityLabel[0].coding[0].code));
      }
      if (n.relatesTo) {
        replies++;
        assert.equal(n.relatesTo[0].code, 'appends');
        const parent = byId.get(String(n.relatesTo[0].target.reference).replace('DocumentReference/', ''));
        assert.ok(parent, 'a reply appends to a seeded note');
        assert.equal(parent.subject.reference, n.subject.reference, 'of the same patient');
        assert.ok(Date.parse(parent.date) <= Date.parse(n.date), 'written before the reply');
      }
    }
    assert.equal(replies, a.summary.notes.replies);
    assert.equal(urgent, a.summary.notes.urgent);
    assert.equal(labelled, a.summary.notes.securityLabel);
    assert.equal(photos, a.summary.notes.withPhoto);
  });

  it('creates actors that read back with their national identifiers', async () => {
    const first = (type: string) => a.created.find((c) => c.type === type)!;
    const patient = await read(a.server.engine, 'Patient', first('Patient').id);
    assert.ok([identifierSystems.insNir, identifierSystems.insNia].includes(patient.identifier[0].system));
    assert.ok(isNirValid(patient.identifier[0].value), patient.identifier[0].value);
    assert.ok(/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate));
    const practitioner = await read(a.server.engine, 'Practitioner', first('Practitioner').id);
    assert.equal(practitioner.identifier[0].system, identifierSystems.nationalProfessional);
    assert.match(practitioner.identifier[0].value, /^8\d{11}$/, 'idNatPS = 8 + RPPS (11 digits)');
    assert.ok(isLuhnValid(practitioner.identifier[0].value.slice(1)), 'RPPS Luhn key');
    const organization = await read(a.server.engine, 'Organization', first('Organization').id);
    assert.equal(organization.identifier[0].system, identifierSystems.nationalStructure);
    assert.ok(isLuhnValid(organization.identifier[0].value.slice(1)), 'FINESS Luhn key');
    const team = await read(a.server.engine, 'CareTeam', first('CareTeam').id);
    assert.equal(team.status, 'active');
    assert.match(team.subject.reference, /^Patient\//);
    assert.ok(team.participant.some((p: Json) => String(p.member.reference).startsWith('PractitionerRole/')));
    const device = await read(a.server.engine, 'Device', first('Device').id);
    assert.equal(typeof device.serialNumber, 'string');
    assert.equal(typeof device.manufacturer, 'string');
  });

  it('gives the same identifiers for the same seed (and other ones for another seed)', () => {
    assert.deepEqual(identifiersOf(a), identifiersOf(b));
    const other = new DataSetPlan({ seed: 8, notes: 300, patients: 30, until: UNTIL });
    assert.notEqual(other.patient(0).ins.value, plan.patient(0).ins.value);
    assert.equal(new Set(a.created.map((c) => c.id)).size, a.created.length, 'server ids are unique');
  });
});

describe('seed plan and helpers', () => {
  it('spreads exactly N notes, most patients with a few, some with many', () => {
    const plan = new DataSetPlan({ seed: 1, notes: 100_000, patients: 10_000, until: UNTIL });
    let total = 0;
    const counts: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      total += plan.noteCount(i);
      counts.push(plan.noteCount(i));
    }
    assert.equal(total, 100_000);
    counts.sort((x, y) => x - y);
    assert.ok(counts[5000]! < 10, `median ${counts[5000]}`);
    assert.ok(plan.maxNotesPerPatient() > 80, `max ${plan.maxNotesPerPatient()}`);
    assert.equal(plan.professionalCount, 500);
    assert.equal(plan.deviceCount, 100);
    const nirs = new Set<string>();
    for (let i = 0; i < 10_000; i++) nirs.add(plan.patient(i).ins.value);
    assert.equal(nirs.size, 10_000, 'INS values are unique');
  });

  it('writes instants in Paris time with the right offset', () => {
    const winter = parisInstant(Date.parse('2026-01-15T00:00:00Z'), 8 * 60 + 30, 0);
    assert.equal(winter.instant, '2026-01-15T08:30:00+01:00');
    assert.equal(winter.utc, Date.parse('2026-01-15T07:30:00Z'));
    assert.equal(parisInstant(Date.parse('2026-07-15T00:00:00Z'), 18 * 60, 5).instant, '2026-07-15T18:00:05+02:00');
    assert.equal(parisInstant(Date.parse('2026-03-28T00:00:00Z'), 12 * 60, 0).instant, '2026-03-28T12:00:00+01:00');
    assert.equal(parisInstant(Date.parse('2026-03-29T00:00:00Z'), 12 * 60, 0).instant, '2026-03-29T12:00:00+02:00');
    assert.equal(parisInstant(Date.parse('2026-10-25T00:00:00Z'), 12 * 60, 0).instant, '2026-10-25T12:00:00+01:00');
  });

  it('makes valid PNG photos of a few hundred bytes', () => {
    for (const p of PHOTOS) {
      assert.ok(p.size > 100 && p.size < 2000, `${p.title}: ${p.size} bytes`);
      assert.equal(Buffer.from(p.base64, 'base64').subarray(12, 16).toString('ascii'), 'IHDR');
    }
  });

  it('counts failures by status with scrubbed diagnostics, and skips what depends on them', async () => {
    const plan = new DataSetPlan({ seed: 3, notes: 200, patients: 20, until: UNTIL });
    let n = 0;
    let patients = 0;
    const fake = {
      async handle(req: FhirRequest): Promise<FhirResponse> {
        const type = req.path[0]!;
        if (type === 'Patient' && patients++ === 0) {
          throw Object.assign(new Error('invalid'), {
            status: 422,
            issues: [{ diagnostics: "Patient.name: 'Lefèvre' is not allowed", expression: ['Patient.name[0]'] }],
          });
        }
        return { status: 201, headers: { location: `${BASE}/${type}/id-${++n}/_history/1` } };
      },
    };
    const summary = await new SeedRunner(fake, seedContext(BASE), {
      seed: 3, notes: 200, patients: 20, until: UNTIL, concurrency: 8, progressEveryMs: 0, log: () => {},
    }).run();
    assert.equal(summary.failed, 1);
    assert.deepEqual(summary.failures, [{ type: 'Patient', status: 422, count: 1, examples: ["Patient.name[0] Patient.name: '…' is not allowed"] }]);
    const first = plan.patient(0);
    const dependents = plan.noteCount(0) + first.relativeCount + 1 /* care team */ + (first.device >= 0 ? 1 : 0);
    assert.equal(summary.skipped, dependents);
    assert.equal(summary.created.DocumentReference, 200 - plan.noteCount(0));
    assert.ok(!summaryLines(summary).join('\n').includes('Lefèvre'), 'no personal data in the output');
  });

  it('parses the command line', () => {
    const o = parseOptions(['--notes', '5000', '--seed', '3', '--until', '2026-06-30'], { CDL_DATA_DIR: '/tmp/x' });
    assert.equal(o.notes, 5000);
    assert.equal(o.patients, 500);
    assert.equal(o.seed, 3);
    assert.equal(o.dataDir, '/tmp/x');
    assert.equal(o.until, Date.parse('2026-06-30T00:00:00Z'));
    assert.equal(parseOptions(['--data-dir', '/tmp/y', '--patients', '7'], { CDL_DATA_DIR: '/tmp/x' }).dataDir, '/tmp/y');
    assert.throws(() => parseOptions(['--notes', '-1'], {}), /--notes/);
    assert.throws(() => parseOptions(['--bogus'], {}));
  });
});

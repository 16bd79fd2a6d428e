/**
 * `npm run bench -- --seeded <dataDir>`: ours alone on an existing data directory filled by
 * `npm run seed` (e.g. 1,000,000 notes), without copying it. Measures the cold start (process
 * spawn to the first answered authenticated search) and the search scenarios: the IG's three
 * example queries with values taken from the data set (a patient's INS and an RPPS of one of
 * that patient's authors; that author's family and given names) and "latest 20 notes of a
 * patient with `_include=*`", rotating over patients.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/child-server.js';
import { fhirOk } from './http.js';
import { measure, type MeasureSettings } from './measure/ab.js';
import { ratioOf } from './measure/figures.js';
import type { ScenarioResult } from './report/results.js';
import { mintBenchToken, type BenchServer } from './servers.js';
import { rotating, type Scenario, type ServerData } from './scenarios/types.js';
import { VersionedNotes } from './scenarios/versioned-notes.js';

const START = fileURLToPath(new URL('../src/cli/start.js', import.meta.url));
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const q = (query: string) => query.replaceAll('|', '%7C');
type Json = Record<string, any>;

export interface SeededRun {
  notes: number;
  coldStartMs: number;
  queries: string[];
  results: ScenarioResult[];
}

/** Starts ours on `dataDir`, timing spawn → first 200 answer to an authenticated search. */
async function startOnExisting(dataDir: string, authorization: string): Promise<{ server: BenchServer; coldStartMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [START], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CDL_DATA_DIR: dataDir, CDL_SQLITE_SYNCHRONOUS: 'FULL', CDL_LOG_LEVEL: 'warn', CDL_RATE_LIMIT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}/fhir`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${err}`);
    try {
      const r = await fetch(`${base}/DocumentReference?_count=1`, { headers: { authorization } });
      if (r.status === 200) {
        await r.arrayBuffer();
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 60_000) throw new Error(`server did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const coldStartMs = Math.round(performance.now() - started);
  const server: BenchServer = {
    name: 'ours',
    label: 'SQLite',
    backend: { kind: 'sqlite' },
    base,
    bases: [base],
    pids: [child.pid!],
    headers: { authorization },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
  return { server, coldStartMs };
}

const refId = (ref: string | undefined, type: string): string | undefined => (ref?.startsWith(`${type}/`) ? ref.slice(type.length + 1) : undefined);

/** Values for the IG queries, read through the API from recent notes written by a PractitionerRole. */
async function discover(s: BenchServer): Promise<{ nir: string; rpps: string; family: string; given: string; patientIds: string[] }> {
  const page = (await fhirOk(s.base, 'GET', 'DocumentReference?type=OBS&_sort=-date&_count=100', undefined, s.headers)).body as Json;
  const notes = ((page.entry ?? []) as Json[]).map((e) => e.resource as Json);
  const patientIds = [...new Set(notes.map((n) => refId(n.subject?.reference, 'Patient')).filter((id): id is string => !!id))];
  for (const n of notes) {
    const roleId = ((n.author ?? []) as Json[]).map((a) => refId(a.reference, 'PractitionerRole')).find((id) => id);
    const patientId = refId(n.subject?.reference, 'Patient');
    if (!roleId || !patientId) continue;
    const role = (await fhirOk(s.base, 'GET', `PractitionerRole/${roleId}`, undefined, s.headers)).body as Json;
    const practitionerId = refId(role.practitioner?.reference, 'Practitioner');
    if (!practitionerId) continue;
    const practitioner = (await fhirOk(s.base, 'GET', `Practitioner/${practitionerId}`, undefined, s.headers)).body as Json;
    const patient = (await fhirOk(s.base, 'GET', `Patient/${patientId}`, undefined, s.headers)).body as Json;
    const rpps = (practitioner.identifier as Json[] | undefined)?.[0]?.value as string | undefined;
    const nir = (patient.identifier as Json[] | undefined)?.find((i) => String(i.system).endsWith('1.2.250.1.213.1.4.8'))?.value as string | undefined;
    const name = (practitioner.name as Json[] | undefined)?.[0];
    if (rpps && nir && name?.family && name?.given?.[0]) return { nir, rpps, family: name.family, given: name.given[0], patientIds };
  }
  throw new Error('no note written by a PractitionerRole among the 100 latest OBS notes: was the directory filled by `npm run seed`?');
}

export async function runSeeded(dataDir: string, settings: MeasureSettings): Promise<SeededRun> {
  const authorization = await mintBenchToken(dataDir);
  // The first start warms the OS page cache; the cold start is timed on the second.
  const first = await startOnExisting(dataDir, authorization);
  await first.server.stop();
  const { server, coldStartMs } = await startOnExisting(dataDir, authorization);
  log(`cold start to the first answered search: ${coldStartMs} ms`);
  try {
    const notes = Number(((await fhirOk(server.base, 'GET', 'DocumentReference?_summary=count', undefined, server.headers)).body as Json).total);
    const v = await discover(server);
    log(`${notes} notes; IG queries with INS ${v.nir}, RPPS ${v.rpps}, ${v.family} ${v.given}; latest 20 over ${v.patientIds.length} patients`);
    const queries = [
      `_include=*&patient.identifier=${v.nir}&author:Practitioner.identifier=${v.rpps}`,
      `_include=DocumentReference:subject&author:Practitioner.family=${encodeURIComponent(v.family)}&author:Practitioner.given=${encodeURIComponent(v.given)}`,
      '_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS',
    ];
    const latest20 = (id: string) => `DocumentReference?patient=Patient/${id}&_sort=-date&_count=20&_include=*`;
    const scenarios: Scenario[] = [
      ...queries.map((query, i): Scenario => ({
        name: `search-ig-${i + 1}`,
        title: `IG search ${i + 1}`,
        phase: 'search',
        prepare: (d) => ({ requests: [{ method: 'GET', path: `${d.basePath}/DocumentReference?${q(query)}` }], probe: `DocumentReference?${q(query)}` }),
      })),
      {
        name: 'search-latest20',
        title: 'latest 20 notes of a patient',
        phase: 'search',
        prepare: (d) => ({ requests: [rotating(d.basePath, v.patientIds, latest20)], probe: latest20(v.patientIds[0]!) }),
      },
    ];
    const data: ServerData = { server, basePath: new URL(server.base).pathname, patientId: '', authorRef: '', notes: new VersionedNotes(server, [], new Map()) };
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
      log(`${s.name} @ ${notes} notes (seeded)`);
      const ours = (await measure(s, [data], settings, notes)).get('ours');
      const { ratio, basis } = ratioOf(ours, undefined);
      results.push({ name: s.name, title: s.title, notes, ratio, ratioBasis: basis, ...(ours ? { ours } : {}) });
    }
    return { notes, coldStartMs, queries: [...queries.map((x) => `DocumentReference?${x}`), latest20('<patient>')], results };
  } finally {
    await server.stop();
  }
}

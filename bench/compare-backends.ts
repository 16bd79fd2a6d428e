/**
 * `npm run bench -- --backends sqlite,pg1,pg2`: ours alone on each backend, side by side, through
 * the same phases and scenarios as beside the peer (phases.ts), rounds alternating between the
 * backends (A/B/C, C/B/A, …). Every phase starts every backend afresh: a new SQLite data
 * directory; for PostgreSQL a new schema per backend (n processes starting together on it, the
 * schema created by their migrations), dropped when the phase ends. A backend of several
 * processes receives the load's connections split evenly over its processes.
 * Writes bench/results/<date>[-quick]-backends[-<scenario>].{json,md} and prints the table.
 */
import { backendDescription, backendKey, backendLabel, type Backend } from './backend.js';
import type { MeasureSettings } from './measure/ab.js';
import type { BenchOptions } from './options.js';
import { runPhases } from './phases.js';
import { backendsTable } from './report/backends-markdown.js';
import { runHeader } from './report/run-header.js';
import { postgresInfo, withoutPassword } from './report/postgres-info.js';
import type { BackendScenarioResult, BackendsRun, LoadingTime } from './report/results.js';
import { writeBackendsResults } from './report/write.js';
import type { Scenario } from './scenarios/types.js';
import type { BenchServer } from './servers.js';
import { startOurs } from './start-ours.js';

const log = (msg: string) => process.stderr.write(`${msg}\n`);

export async function compareBackends(
  o: BenchOptions,
  backends: Backend[],
  scenarios: Scenario[],
  settings: MeasureSettings,
  tracked: (s: BenchServer) => BenchServer,
): Promise<void> {
  const startedAt = new Date();
  const usesPostgres = backends.some((b) => b.kind === 'postgres');
  const pg = usesPostgres ? await postgresInfo(o.databaseUrl) : undefined;
  log(
    `bench: ours on ${backends.map(backendKey).join(' / ')}${pg ? ` (PostgreSQL ${pg.server_version} at ${withoutPassword(o.databaseUrl)})` : ''}; ` +
      `${o.quick ? 'quick, ' : ''}${o.rounds} rounds × ${o.seconds} s, ${o.connections} connections, datasets ${o.sizes.join(' / ')}`,
  );
  const results: BackendScenarioResult[] = [];
  const loading: LoadingTime[] = [];
  const start = async () => {
    const servers: BenchServer[] = [];
    // one after the other: start-up time (migrations, definitions) does not compete
    for (const backend of backends) {
      servers.push(tracked(await startOurs({ backend, databaseUrl: o.databaseUrl, ...(o.authorization ? { authorization: o.authorization } : {}) })));
    }
    return servers;
  };
  await runPhases({
    scenarios,
    settings,
    sizes: o.sizes,
    ...(o.oursOnlySize ? { largestSize: o.oursOnlySize } : {}),
    start,
    onResult: (s, notes, figures) => results.push({ name: s.name, title: s.title, notes, figures: Object.fromEntries(figures) }),
    loading,
  });
  const header = runHeader(o, startedAt);
  const run: BackendsRun = {
    kind: 'backends',
    ...header,
    settings: {
      ...header.settings,
      databaseUrl: withoutPassword(o.databaseUrl),
      ...(pg ? { postgres: pg } : {}),
    },
    variants: backends.map((b) => ({ key: backendKey(b), label: backendLabel(b), description: backendDescription(b) })),
    loading,
    scenarios: results,
  };
  const files = writeBackendsResults(run, o.outDir, o.scenario);
  console.log(backendsTable(run));
  log(`\nwritten: ${files.join(', ')}`);
}

/** Command-line options of `npm run bench` and the settings they imply. */
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, parseBackend, parseBackends, type Backend } from './backend.js';

export interface BenchOptions {
  quick: boolean;
  /** Run only this scenario (its name, e.g. `create`, `search-ig-1`). */
  scenario: string | undefined;
  /** Length of one measured round, per server. */
  seconds: number;
  /** Rounds per server; servers alternate A/B, B/A, … between rounds. */
  rounds: number;
  /** Unmeasured warm-up per server and scenario. */
  warmupSeconds: number;
  /** Concurrent connections (the mixed workload always uses 32). */
  connections: number;
  /** Dataset sizes (notes) for the search scenarios, both servers. */
  sizes: number[];
  /** An extra dataset size for ours alone (`--million`). */
  oursOnlySize: number | undefined;
  /** A request slower than this is not waited for; larger datasets are skipped when extrapolation exceeds it. */
  maxRequestSeconds: number;
  /** `Authorization` header sent to both servers; default: a system token minted by ours' development issuer. */
  authorization: string | undefined;
  outDir: string;
  /** Run the search scenarios on ours alone, on this existing data directory (`npm run seed`). */
  seededDir: string | undefined;
  /** Ours' storage beside the peer (`--backend`, `--nodes`); default SQLite. */
  backend: Backend;
  /** `--backends sqlite,pg1,pg2`: ours alone on each of these, side by side (no peer). */
  backends: Backend[] | undefined;
  /** PostgreSQL for `pg` backends (`--database-url`, CDL_BENCH_DATABASE_URL, else the local `test` database). */
  databaseUrl: string;
}

const USAGE = `usage: npm run bench -- [--quick] [--scenario name[,name…]] [--seconds n] [--rounds n] [--connections n] [--sizes n,n] [--million]
         [--backend sqlite|pg] [--nodes n] [--backends sqlite,pg1,pg2] [--database-url postgres://…]
         [--authorization "Bearer …"] [--out dir] [--seeded dataDir]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      million: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '16' },
      'max-request-seconds': { type: 'string' },
      authorization: { type: 'string' },
      out: { type: 'string', default: 'bench/results' },
      seeded: { type: 'string' },
      sizes: { type: 'string' },
      backend: { type: 'string' },
      nodes: { type: 'string' },
      backends: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const num = (v: string | undefined, dflt: number, name: string): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return n;
  };
  const nodes = Math.round(num(values.nodes, 1, 'nodes'));
  let backend = parseBackend(values.backend ?? (nodes > 1 ? 'pg' : 'sqlite'));
  if (nodes > 1) {
    if (backend.kind === 'sqlite') throw new Error(`--nodes ${nodes} needs --backend pg: SQLite serves one process\n${USAGE}`);
    backend = { kind: 'postgres', nodes };
  }
  const backends = values.backends !== undefined ? parseBackends(values.backends) : undefined;
  if (backends && (values.backend !== undefined || values.nodes !== undefined)) throw new Error(`--backends replaces --backend/--nodes\n${USAGE}`);
  if (values.seeded !== undefined && (backends || backend.kind !== 'sqlite')) throw new Error(`--seeded runs on an existing SQLite data directory\n${USAGE}`);
  const sizes = values.sizes?.split(',').map((x) => Math.round(num(x, 0, 'sizes')));
  return {
    quick,
    scenario: values.scenario,
    seconds: num(values.seconds, quick ? 2 : 5, 'seconds'),
    rounds: Math.round(num(values.rounds, quick ? 2 : 3, 'rounds')),
    warmupSeconds: num(values.warmup, quick ? 1 : 2, 'warmup'),
    connections: Math.round(num(values.connections, 16, 'connections')),
    sizes: sizes ?? (quick ? [1_000, 10_000] : [10_000, 100_000]),
    oursOnlySize: values.million ? 1_000_000 : undefined,
    maxRequestSeconds: num(values['max-request-seconds'], quick ? 10 : 30, 'max-request-seconds'),
    authorization: values.authorization ?? process.env.CDL_BENCH_AUTHORIZATION,
    outDir: values.out ?? 'bench/results',
    seededDir: values.seeded,
    backend,
    backends,
    databaseUrl: values['database-url'] ?? process.env.CDL_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL,
  };
}

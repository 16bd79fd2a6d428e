/** Command-line options of `npm run bench` and the settings they imply. */
import { parseArgs } from 'node:util';

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
}

const USAGE = `usage: npm run bench -- [--quick] [--scenario name] [--seconds n] [--rounds n] [--connections n] [--million] [--authorization "Bearer …"] [--out dir] [--seeded dataDir]`;

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
  return {
    quick,
    scenario: values.scenario,
    seconds: num(values.seconds, quick ? 2 : 5, 'seconds'),
    rounds: Math.round(num(values.rounds, quick ? 2 : 3, 'rounds')),
    warmupSeconds: num(values.warmup, quick ? 1 : 2, 'warmup'),
    connections: Math.round(num(values.connections, 16, 'connections')),
    sizes: quick ? [1_000, 10_000] : [10_000, 100_000],
    oursOnlySize: values.million ? 1_000_000 : undefined,
    maxRequestSeconds: num(values['max-request-seconds'], quick ? 10 : 30, 'max-request-seconds'),
    authorization: values.authorization ?? process.env.CDL_BENCH_AUTHORIZATION,
    outDir: values.out ?? 'bench/results',
    seededDir: values.seeded,
  };
}

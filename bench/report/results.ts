/** The shape of a benchmark run as written to bench/results/<date>.json. */
import type { RatioBasis, ServerFigures } from '../measure/figures.js';

export interface ScenarioResult {
  name: string;
  title: string;
  /** Notes in the dataset for search scenarios and the mixed workload; null for CRUD scenarios. */
  notes: number | null;
  ours?: ServerFigures;
  peer?: ServerFigures;
  /** ours/peer requests per second (2xx). */
  ratio: number | null;
  /** `estimated`: the peer was skipped, its latency extrapolated; `lower bound`: its probe timed out. */
  ratioBasis: RatioBasis;
}

export interface LoadingTime {
  phase: string;
  server: string;
  notes: number;
  seconds: number;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  gitCommit: string;
  gitDirty: boolean;
}

export interface BenchRun {
  date: string;
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  settings: {
    quick: boolean;
    seconds: number;
    rounds: number;
    warmupSeconds: number;
    connections: number;
    sizes: number[];
    oursOnlySize: number | null;
    maxRequestSeconds: number;
    /** Where the Authorization header came from. */
    authorization: string;
    /** Ours' backend key (`sqlite`, `pg1`, `pg2` …); absent in runs before PostgreSQL was benchmarked (SQLite). */
    backend?: string;
  };
  servers: { ours: string; peer: string };
  loading: LoadingTime[];
  /** `--seeded` runs: the data directory's dataset, cold start and the queries as sent. */
  seeded?: { dataDir: string; notes: number; coldStartMs: number; queries: string[] };
  scenarios: ScenarioResult[];
}

/** One scenario of a backend comparison: ours' figures on each backend, by backend key. */
export interface BackendScenarioResult {
  name: string;
  title: string;
  notes: number | null;
  figures: Record<string, ServerFigures>;
}

export interface BackendVariant {
  /** `sqlite`, `pg1`, `pg2` … */
  key: string;
  /** `SQLite`, `PostgreSQL, 2 nodes` … */
  label: string;
  description: string;
}

/** `npm run bench -- --backends sqlite,pg1,pg2`: ours alone on several backends, side by side. */
export interface BackendsRun {
  kind: 'backends';
  date: string;
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  settings: BenchRun['settings'] & {
    /** The PostgreSQL connection string, without credentials. */
    databaseUrl: string;
    /** PostgreSQL server version and the settings that weigh on write throughput. */
    postgres?: Record<string, string>;
  };
  variants: BackendVariant[];
  loading: LoadingTime[];
  scenarios: BackendScenarioResult[];
}

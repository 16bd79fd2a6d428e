/** What a scenario is: how to build the requests one server receives, from that server's data. */
import type { Dataset } from '../dataset/seed.js';
import type { LoadRequest } from '../load.js';
import type { BenchServer } from '../servers.js';
import type { VersionedNotes } from './versioned-notes.js';

/** Per-server data the scenarios use (ids differ between servers). */
export interface ServerData {
  server: BenchServer;
  /** Path of the FHIR base on the server, e.g. `/fhir` (autocannon paths are absolute). */
  basePath: string;
  /** The benchmark's own patient and author for writes. */
  patientId: string;
  authorRef: string;
  /** Notes created up front for reads and updates (each update holds one while in flight). */
  notes: VersionedNotes;
  /** The dataset, in the search and mixed phases. */
  dataset?: Dataset;
}

export interface PreparedLoad {
  /** Cycled in order by every connection. */
  requests: LoadRequest[];
  /** Runs before every measured round (e.g. re-reads note versions). */
  beforeRound?: () => Promise<void>;
  /** A GET path (FHIR-base-relative) probed once: its latency and result size are reported. */
  probe?: string;
}

export type Phase = 'crud' | 'search' | 'mixed';

export interface Scenario {
  /** CLI name (`--scenario`). */
  name: string;
  title: string;
  /**
   * Each phase starts fresh servers. `crud`: no dataset. `search`: run at every dataset size.
   * `mixed`: on the smallest dataset (its writes must not grow the search datasets).
   */
  phase: Phase;
  /** Fixed connection count (else the --connections option). */
  connections?: number;
  prepare(d: ServerData): PreparedLoad;
}

export const FHIR_JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

/** A request whose path is picked per call, rotating over `items` (shared by all connections). */
export function rotating(basePath: string, items: readonly string[], toPath: (item: string) => string): LoadRequest {
  let next = 0;
  return {
    method: 'GET',
    path: `${basePath}/${toPath(items[0]!)}`,
    setupRequest: (req) => ({ ...req, path: `${basePath}/${toPath(items[next++ % items.length]!)}` }),
  };
}

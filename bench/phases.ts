/**
 * The benchmark's three phases, each on freshly started servers (whatever they are: ours beside
 * the peer, or ours on several backends):
 * - crud: read, update, create, IG transaction on the benchmark's own notes;
 * - search: the same dataset loaded into every server over HTTP, the searches at each size;
 * - mixed: the smallest dataset, the mixed workload (its writes do not grow the search datasets).
 * Every scenario's figures go to `onResult`, one entry per server.
 */
import { createActors, growNotes } from './dataset/seed.js';
import { measure, type MeasureSettings, type PriorLatency } from './measure/ab.js';
import type { ServerFigures } from './measure/figures.js';
import type { LoadingTime } from './report/results.js';
import { prepareServerData, UPDATE_POOL } from './scenarios/server-data.js';
import type { Scenario, ServerData } from './scenarios/types.js';
import type { BenchServer, ServerName } from './servers.js';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
/** The benchmark's own 2 KB notes in the crud phase (read targets). */
const CRUD_OWNED_NOTES = 1000;

export interface PhasePlan {
  scenarios: Scenario[];
  settings: MeasureSettings;
  /** Dataset sizes of the search phase (the mixed phase uses the first). */
  sizes: number[];
  /** A further size for the servers `keepForLargest` selects, the others stopped (`--million`). */
  largestSize?: number;
  keepForLargest?: (s: BenchServer) => boolean;
  /** Starts the servers of one phase (fresh data). */
  start: () => Promise<BenchServer[]>;
  onResult: (s: Scenario, notes: number | null, figures: Map<ServerName, ServerFigures>) => void;
  loading: LoadingTime[];
}

/** Per-request service time seen at one size (what a linear extrapolation scales). */
function serviceTimeMs(f: ServerFigures): number | undefined {
  if (f.mode === 'skipped') return f.estimatedLatencyMs;
  const candidates = [f.probe?.ms, f.rps > 0 ? 1000 / f.rps : undefined, f.mode === 'sequential' ? f.p50 ?? undefined : undefined];
  const finite = candidates.filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  return finite.length > 0 ? Math.min(...finite) : undefined;
}

async function withServers(plan: PhasePlan, ownedNotes: number, fn: (data: ServerData[]) => Promise<void>): Promise<void> {
  const servers = await plan.start();
  try {
    const data = await Promise.all(servers.map((s) => prepareServerData(s, ownedNotes)));
    await fn(data);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function grow(plan: PhasePlan, phase: string, data: ServerData[], notes: number): Promise<void> {
  await Promise.all(
    data.map(async (d) => {
      const started = performance.now();
      await growNotes(d.server.base, d.server.headers, d.dataset!, notes);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      plan.loading.push({ phase, server: d.server.name, notes, seconds });
      log(`  ${d.server.name}: ${notes} notes loaded (${seconds} s)`);
    }),
  );
}

export async function runPhases(plan: PhasePlan): Promise<void> {
  const { scenarios, settings } = plan;
  const crud = scenarios.filter((s) => s.phase === 'crud');
  if (crud.length > 0) {
    log('phase crud: fresh servers');
    await withServers(plan, CRUD_OWNED_NOTES, async (data) => {
      for (const s of crud) {
        log(`${s.name}`);
        plan.onResult(s, null, await measure(s, data, settings));
      }
    });
  }

  const patients = Math.max(10, Math.round(Math.max(...plan.sizes) / 100));
  const withDataset = (data: ServerData[]) => Promise.all(data.map(async (d) => (d.dataset = await createActors(d.server.base, d.server.headers, patients))));
  const searches = scenarios.filter((s) => s.phase === 'search');
  if (searches.length > 0) {
    log('phase search: fresh servers');
    await withServers(plan, 0, async (data) => {
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
          plan.onResult(s, size, figures);
        }
      };
      for (const size of plan.sizes) {
        log(`loading ${size} notes into ${data.map((d) => d.server.name).join(', ')}`);
        await grow(plan, 'search', data, size);
        await runSearches(data, size);
      }
      if (plan.largestSize) {
        const keep = plan.keepForLargest ?? (() => true);
        const kept = data.filter((d) => keep(d.server));
        await Promise.all(data.filter((d) => !keep(d.server)).map((d) => d.server.stop()));
        log(`loading ${plan.largestSize} notes into ${kept.map((d) => d.server.name).join(', ')}`);
        await grow(plan, 'search', kept, plan.largestSize);
        await runSearches(kept, plan.largestSize);
      }
    });
  }

  const mixed = scenarios.filter((s) => s.phase === 'mixed');
  if (mixed.length > 0) {
    const size = plan.sizes[0]!;
    log(`phase mixed: fresh servers, ${size} notes`);
    await withServers(plan, UPDATE_POOL, async (data) => {
      await withDataset(data);
      await grow(plan, 'mixed', data, size);
      for (const s of mixed) {
        log(`${s.name} @ ${size} notes`);
        plan.onResult(s, size, await measure(s, data, settings));
      }
    });
  }
}

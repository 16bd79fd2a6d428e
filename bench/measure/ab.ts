/**
 * Measures one scenario on every server given (ours and the peer, or ours on several backends):
 * a probe, a warm-up, then short rounds alternating A/B, B/A, … (A/B/C, C/B/A, …) so that
 * machine noise falls on all of them. A server of several processes gets the load's connections
 * split evenly over its processes (RSS is their sum). Probed (GET) scenarios use fewer connections
 * when requests are slow, so that rounds are long compared with the queueing delay. When a probe
 * shows a server needing more than SLOW_MS per request, a load run would only measure queueing:
 * the scenario is then measured with one client on both servers, one request at a time.
 * A server is skipped when a linear extrapolation from the previous dataset size exceeds the
 * per-request limit (its probe alone would take minutes).
 */
import { runLoad, type LoadResult } from '../load.js';
import type { PreparedLoad, Scenario, ServerData } from '../scenarios/types.js';
import { FHIR_JSON_HEADERS } from '../scenarios/types.js';
import { serverRssMiB, type ServerName } from '../servers.js';
import { figuresOf, skipped, timedOut, type ProbeResult, type ServerFigures } from './figures.js';
import { sequentialRun, timedGet } from './probe.js';

export interface MeasureSettings {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  maxRequestSeconds: number;
}

/** Best latency seen at a dataset size, for extrapolating to the next one. */
export interface PriorLatency {
  size: number;
  minLatencyMs: number;
}

/** Above this probe latency a server is measured one request at a time. */
const SLOW_MS = 250;
/** Above this first-probe latency, probe again and keep the faster. */
const REPROBE_MS = 10;

const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface Plan {
  d: ServerData;
  load: PreparedLoad;
  mode: 'load' | 'sequential';
  probe?: ProbeResult;
  rounds: LoadResult[];
  rss: number;
}

async function probeTwice(d: ServerData, path: string, capMs: number): Promise<ProbeResult> {
  const first = await timedGet(d.server, path, capMs);
  // a second probe discounts first-call costs (JIT, caches, PostgreSQL's plan of a new query),
  // which would otherwise lower the connection count (fittingConnections), unless it was long anyway
  if (first.status === 0 || first.ms <= REPROBE_MS || first.ms > 2000) return first;
  const second = await timedGet(d.server, path, capMs);
  return second.status !== 0 && second.ms < first.ms ? second : first;
}

export async function measure(
  scenario: Scenario,
  servers: ServerData[],
  s: MeasureSettings,
  size?: number,
  prior?: Map<ServerName, PriorLatency>,
): Promise<Map<ServerName, ServerFigures>> {
  const out = new Map<ServerName, ServerFigures>();
  const capMs = s.maxRequestSeconds * 1000;
  const connections = scenario.connections ?? s.connections;
  const plans: Plan[] = [];
  for (const d of servers) {
    const name = d.server.name;
    const p = prior?.get(name);
    if (p && size) {
      const estimate = p.minLatencyMs * (size / p.size);
      if (estimate > capMs) {
        out.set(name, skipped(estimate, `estimated ${(estimate / 1000).toFixed(1)} s per request (linear from ${p.size} notes) > ${s.maxRequestSeconds} s limit`));
        log(`  ${name}: skipped, estimated ${(estimate / 1000).toFixed(1)} s per request`);
        continue;
      }
    }
    const load = scenario.prepare(d);
    const plan: Plan = { d, load, mode: 'load', rounds: [], rss: 0 };
    if (load.probe) {
      plan.probe = await probeTwice(d, load.probe, capMs);
      log(`  ${name}: probe ${plan.probe.status} in ${plan.probe.ms} ms${plan.probe.matches !== undefined ? `, ${plan.probe.matches} matches + ${plan.probe.includes} included` : ''}`);
      if (plan.probe.status === 0) {
        out.set(name, { ...timedOut(capMs, plan.probe), rssMiB: serverRssMiB(d.server) });
        continue;
      }
    }
    plans.push(plan);
  }

  const slowest = Math.max(0, ...plans.map((p) => p.probe?.ms ?? 0));
  if (slowest > SLOW_MS) {
    for (const p of plans) p.mode = 'sequential';
    // a request longer than a round makes every round one request: two rounds are enough
    const rounds = slowest > s.seconds * 1000 ? Math.min(s.rounds, 2) : s.rounds;
    for (let r = 0; r < rounds; r++) {
      for (const p of r % 2 === 0 ? plans : [...plans].reverse()) {
        const res = await sequentialRun(p.d.server, p.load.probe!, s.seconds * 1000, capMs, 1);
        p.rounds.push(res);
        p.rss = Math.max(p.rss, serverRssMiB(p.d.server));
        log(`  ${p.d.server.name} round ${r + 1} (one client): ${res.ok} requests in ${res.durationSeconds.toFixed(1)} s`);
      }
    }
  } else {
    await loadRounds(plans, s, fittingConnections(plans, s, connections));
  }
  for (const p of plans) {
    const f = figuresOf(p.mode, p.mode === 'load' ? fittingConnections(plans, s, connections) : 1, p.rounds, p.rss);
    if (p.probe) f.probe = p.probe;
    if (p.mode === 'sequential') f.note = `a probe took ${Math.round(slowest)} ms: measured with one client, one request at a time`;
    out.set(p.d.server.name, f);
  }
  return out;
}

/**
 * A closed-loop run only counts the requests that finish within the round, so the queueing delay
 * (about connections × service time) must stay well under the round: fewer connections for
 * slower scenarios, the same count for both servers.
 */
function fittingConnections(plans: Plan[], s: MeasureSettings, connections: number): number {
  const slowest = Math.max(0, ...plans.map((p) => p.probe?.ms ?? 0));
  if (slowest === 0) return connections;
  return Math.max(1, Math.min(connections, Math.floor((s.seconds * 1000) / (10 * slowest))));
}

async function loadRounds(plans: Plan[], s: MeasureSettings, connections: number): Promise<void> {
  const loadOpts = (p: Plan, seconds: number) => ({
    // several processes of one server: autocannon assigns connection i to URL i mod n
    url: p.d.server.bases.length > 1 ? p.d.server.bases : p.d.server.base,
    connections,
    durationSeconds: seconds,
    headers: { ...FHIR_JSON_HEADERS, ...p.d.server.headers },
    requests: p.load.requests,
    timeoutSeconds: s.maxRequestSeconds,
  });
  for (const p of plans) {
    await p.load.beforeRound?.();
    await runLoad(loadOpts(p, s.warmupSeconds));
  }
  for (let r = 0; r < s.rounds; r++) {
    for (const p of r % 2 === 0 ? plans : [...plans].reverse()) {
      await p.load.beforeRound?.();
      const res = await runLoad(loadOpts(p, s.seconds));
      p.rounds.push(res);
      p.rss = Math.max(p.rss, serverRssMiB(p.d.server));
      log(`  ${p.d.server.name} round ${r + 1}: ${(res.ok / res.durationSeconds).toFixed(0)} ok/s, ${res.non2xx} non-2xx, ${res.errors} errors`);
    }
  }
}

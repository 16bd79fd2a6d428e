/** What every results file starts with: when, how long, on what machine, with which settings. */
import type { BenchOptions } from '../options.js';
import { machineInfo } from './machine.js';
import type { BenchRun } from './results.js';

export function runHeader(o: BenchOptions, startedAt: Date): Pick<BenchRun, 'date' | 'startedAt' | 'durationSeconds' | 'machine'> & { settings: Omit<BenchRun['settings'], 'backend'> } {
  return {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
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
  };
}

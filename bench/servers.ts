/**
 * The servers under test, each a child process on this machine: ours (the real entry point,
 * production settings, fresh data directory; on PostgreSQL see postgres-nodes.ts) and the peer
 * (Medplum's FHIR engine, bench/peer/).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChildServer } from '../test/support/child-server.js';
import type { Backend } from './backend.js';

/** `ours` and `peer` side by side; `sqlite`, `pg1`, `pg2` … when backends are compared. */
export type ServerName = string;

export interface BenchServer {
  name: ServerName;
  /** What runs, for the report: `SQLite`, `PostgreSQL, 2 nodes`, `Medplum` … */
  label: string;
  /** Ours' storage (undefined for the peer). */
  backend?: Backend;
  /** FHIR base of the first process: setup requests and probes. */
  base: string;
  /** FHIR base of every process: a measured load's connections are split evenly over them. */
  bases: string[];
  pids: number[];
  /** Headers for every request (the bench token). */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/** Resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Resident set size of every process of a server, added up, in MiB. */
export const serverRssMiB = (s: BenchServer): number => s.pids.reduce((sum, pid) => sum + rssMiB(pid), 0);

export function once(f: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= f());
}

export function authHeaders(authorization: string | undefined): Record<string, string> {
  return authorization ? { authorization } : {};
}

const TOKEN_CLI = fileURLToPath(new URL('../src/cli/token.js', import.meta.url));

/** A system-client token of the server's embedded development issuer (the bench token). */
export async function mintBenchToken(dataDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [TOKEN_CLI, '--data-dir', dataDir, '--client-id', 'bench', '--scope', 'system/*.cruds', '--expires', String(6 * 3600)], {
    env: { ...process.env, CDL_AUTH_ISSUER: '' },
  });
  return `Bearer ${stdout.trim()}`;
}

/**
 * Production settings (durable commits, authentication, audit) except the per-client rate limit,
 * which would cap the single benchmark client at its default 200 requests/s.
 */
export const OURS_ENV = { CDL_SQLITE_SYNCHRONOUS: 'FULL', CDL_LOG_LEVEL: 'warn', CDL_RATE_LIMIT: '0' };

/** Ours on a fresh SQLite data directory, one process. */
export async function startOursOnSqlite(authorization?: string, name: ServerName = 'ours'): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdl-bench-'));
  // CDL_DATABASE_URL='' keeps SQLite even if the harness' environment names a PostgreSQL database
  const srv = await startChildServer(dataDir, await freePort(), { ...OURS_ENV, CDL_DATABASE_URL: '' });
  return {
    name,
    label: 'SQLite',
    backend: { kind: 'sqlite' },
    base: srv.base,
    bases: [srv.base],
    pids: [srv.process.pid!],
    headers: authHeaders(authorization ?? (await mintBenchToken(dataDir))),
    stop: once(async () => {
      srv.process.kill('SIGTERM');
      await srv.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }),
  };
}

const PEER_MAIN = fileURLToPath(new URL('./peer/main.js', import.meta.url));

export async function startPeer(authorization?: string): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [PEER_MAIN], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const root = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the peer exited early: ${out}`);
    try {
      if ((await fetch(`${root}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the peer did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: 'peer',
    label: 'Medplum FhirRouter + MemoryRepository',
    base: `${root}/fhir`,
    bases: [`${root}/fhir`],
    pids: [child.pid!],
    headers: authHeaders(authorization),
    stop: once(async () => {
      child.kill('SIGTERM');
      await exited;
    }),
  };
}

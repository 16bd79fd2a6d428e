/**
 * Ours on PostgreSQL: `nodes` server processes (the real entry point) on one fresh schema of
 * `databaseUrl`. The schema does not exist beforehand: the processes start together and the
 * server's migrations create it (under their advisory lock); it is dropped when the server stops.
 *
 * Every process shares one data directory, which on PostgreSQL holds only the development
 * issuer's key pair: the bench token is minted first (creating the pair), so that every process
 * trusts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, freshSchemaName } from '../src/storage/postgres/test-schema.js';
import { freePort, startChildServer, type ChildServer } from '../test/support/child-server.js';
import { backendKey, backendLabel, type Backend } from './backend.js';
import { authHeaders, mintBenchToken, once, OURS_ENV, type BenchServer } from './servers.js';

export interface PostgresNodesOptions {
  nodes: number;
  databaseUrl: string;
  authorization?: string;
  /** Server name in the results (default `pg<nodes>`). */
  name?: string;
}

async function stopAll(children: ChildServer[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGTERM');
      await c.exited;
    }),
  );
}

export async function startOursOnPostgres(o: PostgresNodesOptions): Promise<BenchServer> {
  const backend: Backend = { kind: 'postgres', nodes: o.nodes };
  const schema = freshSchemaName('cdl_bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'cdl-bench-pg-'));
  const authorization = o.authorization ?? (await mintBenchToken(dataDir));
  const env = { ...OURS_ENV, CDL_DATABASE_URL: o.databaseUrl, CDL_DATABASE_SCHEMA: schema };
  const started = await Promise.allSettled(Array.from({ length: o.nodes }, async () => startChildServer(dataDir, await freePort(), env)));
  const children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const cleanup = async () => {
    await stopAll(children);
    await dropSchema(o.databaseUrl, schema).catch((e: unknown) => process.stderr.write(`could not drop schema ${schema}: ${String(e)}\n`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await cleanup();
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  return {
    name: o.name ?? backendKey(backend),
    label: backendLabel(backend),
    backend,
    base: children[0]!.base,
    bases: children.map((c) => c.base),
    pids: children.map((c) => c.process.pid!),
    headers: authHeaders(authorization),
    stop: once(cleanup),
  };
}

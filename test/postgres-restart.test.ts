/**
 * A real PostgreSQL restart under load, with `pg_ctlcluster`, as operators do it: two server
 * processes on one schema, eight writers spread over them, then (1) `stop -m fast`, requests
 * answered while it is down, `start`; (2) `restart -m immediate` (a crash of PostgreSQL: no
 * shutdown checkpoint, WAL recovery at start). Checks: failures are fast 503 with Retry-After,
 * both processes answer again without being restarted, and every acknowledged write is there.
 *
 * Restarting a cluster disturbs everything else using it, so this test needs a cluster of its
 * own: CDL_TEST_PG_RESTART_CLUSTER=<version>/<name> (e.g. `15/cdl_restart`, created with
 * `pg_createcluster 15 cdl_restart -p 5499 --start -- -A trust`) and, optionally,
 * CDL_TEST_PG_RESTART_URL (default: postgres://postgres@127.0.0.1:<its port>/postgres). It runs in
 * the PostgreSQL pass of the suite (CDL_TEST_DATABASE_URL set); `.ci/run` sets both up when it can.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { identifierSystems } from '../src/fhir/terminology.js';
import { dropSchema, freshSchemaName, runSql } from '../src/storage/postgres/test-schema.js';
import { freePort, startChildServer, type ChildServer } from './support/child-server.js';
import { request } from './support/test-server.js';

const cluster = process.env.CDL_TEST_PG_RESTART_CLUSTER;
const skip = cluster && process.env.CDL_TEST_DATABASE_URL ? false : 'needs CDL_TEST_PG_RESTART_CLUSTER (a cluster of its own) and CDL_TEST_DATABASE_URL';

/** `pg_ctlcluster <version> <name> …`, without blocking the event loop (the writers go on). */
async function pgCtl(...args: string[]): Promise<void> {
  const [version, name] = cluster!.split('/');
  await promisify(execFile)('pg_ctlcluster', [version!, name!, ...args], { timeout: 60_000 });
}

function clusterUrl(): string {
  if (process.env.CDL_TEST_PG_RESTART_URL) return process.env.CDL_TEST_PG_RESTART_URL;
  const [version, name] = cluster!.split('/');
  const line = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === version && f[1] === name);
  if (!line) throw new Error(`cluster ${cluster} not found by pg_lsclusters`);
  return `postgres://postgres@127.0.0.1:${line[2]}/postgres`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let nirs = 750000000000000;
const patient = (family: string) => ({ resourceType: 'Patient', identifier: [{ system: identifierSystems.insNir, value: String(++nirs) }], name: [{ family }] });

interface Failure {
  phase: 'stop' | 'restart';
  status: number;
  retryAfter: string | null;
  ms: number;
  body: string;
}

describe('PostgreSQL restarted with pg_ctlcluster under load', { skip }, () => {
  const schema = freshSchemaName('cdl_restart');
  const dirs: string[] = [];
  let url = '';
  let nodes: ChildServer[] = [];

  before(async () => {
    url = clusterUrl();
    nodes = await Promise.all(
      [0, 1].map(async () => {
        const dir = mkdtempSync(join(tmpdir(), 'cdl-restart-'));
        dirs.push(dir);
        return startChildServer(dir, await freePort(), { CDL_DATABASE_URL: url, CDL_DATABASE_SCHEMA: schema, CDL_AUTH_DISABLED: 'true', CDL_RATE_LIMIT: '0', CDL_DATABASE_POOL_SIZE: '8' });
      }),
    );
  });
  after(async () => {
    await pgCtl('start').catch(() => undefined); // a failed assertion may have left it stopped (start fails when running)
    for (const n of nodes) if (n.process.exitCode === null) n.process.kill('SIGTERM');
    await Promise.all(nodes.map((n) => n.exited));
    await dropSchema(url, schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Waits until every node answers a read again, without restarting them. */
  async function recovered(readId: string): Promise<void> {
    for (const n of nodes) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await request(n.base, 'GET', `/Patient/${readId}`);
        if (r.status === 200) break;
        assert.equal(r.status, 503, r.text);
        assert.ok(Date.now() < deadline, `a node did not recover: ${r.status} ${r.text}`);
        await sleep(100);
      }
      assert.equal((await fetch(n.base.replace(/\/fhir$/, '/readyz'))).status, 200);
    }
  }

  it('stop, then restart -m immediate: fast 503 + Retry-After, reconnection by itself, no acknowledged write lost', async (t) => {
    const acknowledged: Array<{ id: string; family: string }> = [];
    const failures: Failure[] = [];
    let phase: Failure['phase'] = 'stop';
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const family = `Redemarrage ${w}-${i}`;
        const started = Date.now();
        const r = await request(nodes[(w + i) % nodes.length]!.base, 'POST', '/Patient', patient(family));
        if (r.status === 201) acknowledged.push({ id: r.body.id, family });
        else {
          failures.push({ phase, status: r.status, retryAfter: r.headers.get('retry-after'), ms: Date.now() - started, body: r.text.slice(0, 200) });
          await sleep(20);
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    const waitForAcks = async (n: number) => {
      const target = acknowledged.length + n;
      const deadline = Date.now() + 60_000;
      while (acknowledged.length < target) {
        assert.ok(Date.now() < deadline, `writes did not resume (${acknowledged.length}/${target})`);
        await sleep(10);
      }
    };
    try {
      await waitForAcks(100);
      const readId = acknowledged[0]!.id;

      // (1) stop -m fast: while down, both nodes answer 503 + Retry-After quickly, /readyz says so.
      await pgCtl('stop', '-m', 'fast');
      for (const n of nodes) {
        const started = Date.now();
        const read = await request(n.base, 'GET', `/Patient/${readId}`);
        assert.equal(read.status, 503, read.text);
        assert.equal(read.headers.get('retry-after'), '1');
        assert.ok(Date.now() - started < 2500, `a read took ${Date.now() - started} ms to fail`);
        assert.equal((await fetch(n.base.replace(/\/fhir$/, '/readyz'))).status, 503);
      }
      // responses of writes committed before the stop have arrived by now
      const whileStopped = acknowledged.length;
      await sleep(1500);
      assert.equal(acknowledged.length, whileStopped, 'no write is acknowledged while PostgreSQL is stopped');
      await pgCtl('start');
      await recovered(readId);
      await waitForAcks(100);

      // (2) restart -m immediate: PostgreSQL stops without a checkpoint and recovers from its WAL.
      phase = 'restart';
      await pgCtl('restart', '-m', 'immediate');
      await recovered(readId);
      await waitForAcks(100);
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    const inStop = failures.filter((f) => f.phase === 'stop').length;
    assert.ok(inStop > 0, 'the writers saw the stop');
    assert.deepEqual(failures.filter((f) => f.status !== 503 || f.retryAfter !== '1'), [], 'every failure is a 503 with Retry-After');
    const slowest = Math.max(...failures.map((f) => f.ms));
    assert.ok(slowest < 5000, `failures come fast (slowest ${slowest} ms)`);
    // Every acknowledged write is in the database (read directly) and served by both nodes.
    const rows = await runSql<{ id: string }>(url, schema, "SELECT id FROM resources WHERE type = 'Patient'");
    const stored = new Set(rows.map((r) => r.id));
    const lost = acknowledged.filter((a) => !stored.has(a.id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged writes lost`);
    for (const [i, a] of acknowledged.entries()) {
      if (i % 25 !== 0) continue;
      const r = await request(nodes[i % nodes.length]!.base, 'GET', `/Patient/${a.id}`);
      assert.equal(r.body.name?.[0]?.family, a.family);
    }
    t.diagnostic(`${acknowledged.length} writes acknowledged and all kept; 503 + Retry-After: ${inStop} around the stop, ${failures.length - inStop} around the immediate restart; slowest ${slowest} ms`);
  });
});

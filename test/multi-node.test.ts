/**
 * Several real server processes (`npm start`) on one PostgreSQL schema, checked over HTTP: three
 * processes starting at once on a schema that does not exist (migrations applied once), races
 * between nodes on one version (If-Match), on one identifier (conditional create), unconditional
 * updates spread over the nodes, transactions atomic for readers on other nodes, read-after-write
 * across nodes; then the database made unreachable under load (a TCP proxy in front of
 * PostgreSQL, as in `postgres-resilience.test.ts`: the shared server is never restarted) — fast
 * 503 + Retry-After, recovery without restart, no acknowledged write lost.
 * Runs when CDL_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { identifierSystems } from '../src/fhir/terminology.js';
import { migrations } from '../src/storage/postgres/migrations.js';
import { dropSchema, freshSchemaName } from '../src/storage/postgres/test-schema.js';
import { freePort, startChildServer, type ChildServer } from './support/child-server.js';
import { request } from './support/test-server.js';

const pgUrl = process.env.CDL_TEST_DATABASE_URL;
const skip = pgUrl ? false : 'CDL_TEST_DATABASE_URL is not set';

const patient = (nir: string, family = 'Noeud') => ({ resourceType: 'Patient', identifier: [{ system: identifierSystems.insNir, value: nir }], name: [{ family }] });
const byNir = (nir: string) => `identifier=${encodeURIComponent(`${identifierSystems.insNir}|${nir}`)}`;
let nirs = 700000000000000;
const nextNir = () => String(++nirs);

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
}

/** `count` server processes on `url`/`schema`, started at once (migrations apply exactly once). */
async function startNodes(count: number, url: string, schema: string, dirs: string[]): Promise<ChildServer[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cdl-node-'));
      dirs.push(dir);
      return startChildServer(dir, await freePort(), {
        CDL_DATABASE_URL: url,
        CDL_DATABASE_SCHEMA: schema,
        CDL_AUTH_DISABLED: 'true',
        CDL_RATE_LIMIT: '0',
        CDL_DATABASE_POOL_SIZE: '8',
      });
    }),
  );
}

async function stopNodes(nodes: ChildServer[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      if (n.process.exitCode === null && n.process.signalCode === null) n.process.kill('SIGTERM');
      await n.exited;
    }),
  );
}

describe('several server processes on one PostgreSQL database', { skip }, () => {
  const schema = freshSchemaName('cdl_multinode');
  const dirs: string[] = [];
  let nodes: ChildServer[] = [];
  const node = (i: number) => nodes[i % nodes.length]!.base;

  before(async () => {
    // The schema does not exist yet: the three processes start at once and their migrations create it.
    nodes = await startNodes(3, pgUrl!, schema, dirs);
  });
  after(async () => {
    await stopNodes(nodes);
    await dropSchema(pgUrl!, schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('three processes starting at once on a new schema applied every migration exactly once', async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version, count(*)::int AS n FROM ${schema}.schema_migrations GROUP BY version ORDER BY version`);
      assert.deepEqual(rows, migrations.map((m) => ({ version: m.version, n: 1 })));
    } finally {
      await client.end();
    }
  });

  it('If-Match races across nodes: exactly one 200 per version, the others 412', async () => {
    const p = (await request(node(0), 'POST', '/Patient', patient(nextNir()))).body;
    for (let round = 1; round <= 3; round++) {
      const results = await Promise.all(
        Array.from({ length: 18 }, (_, i) => request(node(i), 'PUT', `/Patient/${p.id}`, { ...p, meta: undefined, name: [{ family: `Writer ${i}` }] }, { 'if-match': `W/"${round}"` })),
      );
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 412).length, 17, `round ${round}: ${statuses.join(',')}`);
    }
    const hist = await request(node(2), 'GET', `/Patient/${p.id}/_history`);
    assert.deepEqual(hist.body.entry.map((e: any) => e.resource.meta.versionId), ['4', '3', '2', '1']);
  });

  it('conditional create races on one identifier across nodes: exactly one resource', async () => {
    const nir = nextNir();
    const results = await Promise.all(
      Array.from({ length: 18 }, (_, i) => request(node(i), 'POST', '/Patient', patient(nir, `Cond ${i}`), { 'if-none-exist': byNir(nir) })),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 200).length, 17, statuses.join(','));
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    for (let i = 0; i < 3; i++) {
      const found = await request(node(i), 'GET', `/Patient?${byNir(nir)}&_total=accurate`);
      assert.equal(found.body.total, 1, `node ${i}`);
    }
  });

  it('concurrent unconditional updates spread over the nodes: versions without gap or duplicate', async () => {
    const p = (await request(node(1), 'POST', '/Patient', patient(nextNir()))).body;
    const results = await Promise.all(Array.from({ length: 45 }, (_, i) => request(node(i), 'PUT', `/Patient/${p.id}`, { ...p, meta: undefined, name: [{ family: `U${i}` }] })));
    assert.deepEqual([...new Set(results.map((r) => r.status))], [200]);
    const versions = results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
    assert.deepEqual(versions, Array.from({ length: 45 }, (_, i) => i + 2));
    const hist = await request(node(2), 'GET', `/Patient/${p.id}/_history?_count=100`);
    assert.deepEqual(hist.body.entry.map((e: any) => Number(e.resource.meta.versionId)), Array.from({ length: 46 }, (_, i) => 46 - i));
  });

  it('transactions are atomic across nodes: readers elsewhere never see half of one; a failed one leaves nothing', async (t) => {
    const a = (await request(node(0), 'POST', '/Patient', patient(nextNir(), 'T0'))).body;
    const b = (await request(node(0), 'POST', '/Patient', patient(nextNir(), 'T0'))).body;
    const bundle = (family: string, ifMatchB?: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [a, b].map((r) => ({
        resource: { ...r, meta: undefined, name: [{ family }] },
        request: { method: 'PUT', url: `Patient/${r.id}`, ...(r === b && ifMatchB ? { ifMatch: ifMatchB } : {}) },
      })),
    });
    let writing = true;
    const seen: string[] = [];
    const reader = async (i: number) => {
      while (writing) {
        const r = await request(node(i), 'GET', `/Patient?_id=${a.id},${b.id}`);
        assert.equal(r.status, 200);
        const families = r.body.entry.map((e: any) => e.resource.name[0].family);
        assert.equal(families.length, 2);
        assert.equal(families[0], families[1], `node ${i % 3} saw half a transaction: ${families.join(' / ')}`);
        seen.push(families[0]);
      }
    };
    const readers = [1, 2, 4, 5].map(reader);
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => request(node(i), 'POST', '/', bundle(`T${i + 1}`))));
    writing = false;
    await Promise.all(readers);
    assert.deepEqual([...new Set(results.map((r) => r.status))], [200], results.map((r) => r.text.slice(0, 200)).join('\n'));
    assert.ok(seen.length > 0);
    t.diagnostic(`${seen.length} reads on other nodes during 15 concurrent transactions, ${new Set(seen).size} distinct states, none half-applied`);
    // Both resources went through the same sequence of transactions: version k of A = version k of B.
    const histA = (await request(node(1), 'GET', `/Patient/${a.id}/_history?_count=50`)).body.entry.map((e: any) => e.resource.name[0].family);
    const histB = (await request(node(2), 'GET', `/Patient/${b.id}/_history?_count=50`)).body.entry.map((e: any) => e.resource.name[0].family);
    assert.equal(histA.length, 16);
    assert.deepEqual(histA, histB);
    // A transaction failing on its second entry (If-Match) leaves the first unwritten, seen from every node.
    const failed = await request(node(0), 'POST', '/', bundle('NEVER', 'W/"1"'));
    assert.equal(failed.status, 412, failed.text);
    for (let i = 0; i < 3; i++) {
      const r = await request(node(i), 'GET', `/Patient?_id=${a.id},${b.id}&name=NEVER`);
      assert.equal(r.body.entry?.length ?? 0, 0);
      assert.equal((await request(node(i), 'GET', `/Patient/${a.id}`)).body.meta.versionId, '16');
    }
  });

  it('a search on one node sees a write acknowledged by another', async () => {
    for (let i = 0; i < 24; i++) {
      const nir = nextNir();
      const created = await request(node(i), 'POST', '/Patient', patient(nir, `Vu ${i}`));
      assert.equal(created.status, 201);
      const found = await request(node(i + 1), 'GET', `/Patient?${byNir(nir)}`);
      assert.deepEqual(found.body.entry?.map((e: any) => e.resource.id), [created.body.id], `write on node ${i % 3}, search on node ${(i + 1) % 3}`);
      const updated = await request(node(i + 1), 'PUT', `/Patient/${created.body.id}`, { ...created.body, meta: undefined, name: [{ family: `Revu ${i}` }] });
      assert.equal(updated.status, 200);
      const read = await request(node(i + 2), 'GET', `/Patient/${created.body.id}`);
      assert.equal(read.body.meta.versionId, '2');
      const byName = await request(node(i + 2), 'GET', `/Patient?name=${encodeURIComponent(`Revu ${i}`)}&${byNir(nir)}`);
      assert.equal(byName.body.entry?.length, 1);
    }
  });
});

/** A TCP proxy in front of PostgreSQL: `down()` drops every connection and refuses new ones. */
class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('server processes while the database is unreachable', { skip }, () => {
  const schema = freshSchemaName('cdl_multinode_outage');
  const dirs: string[] = [];
  const target = new URL(pgUrl ?? 'postgres://localhost:5432/x');
  const proxy = new Proxy({ host: target.hostname, port: Number(target.port || 5432) });
  let nodes: ChildServer[] = [];

  before(async () => {
    await createSchema(pgUrl!, schema);
    await proxy.up();
    const via = new URL(pgUrl!);
    via.hostname = '127.0.0.1';
    via.port = String(proxy.port);
    nodes = await startNodes(2, via.toString(), schema, dirs);
  });
  after(async () => {
    await proxy.up();
    await stopNodes(nodes);
    await proxy.down();
    await dropSchema(pgUrl!, schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('fails fast with 503 + Retry-After, answers again without restart, loses no acknowledged write', async (t) => {
    const acknowledged: Array<{ id: string; node: number }> = [];
    const failures: Array<{ status: number; retryAfter: string | null; ms: number; body: string }> = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    const acksIn = { before: 0, down: 0, after: 0 };
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const n = (w + i) % nodes.length;
        const started = Date.now();
        const r = await request(nodes[n]!.base, 'POST', '/Patient', patient(nextNir(), `Charge ${w}`));
        if (r.status === 201) {
          acknowledged.push({ id: r.body.id, node: n });
          acksIn[phase]++;
        } else {
          failures.push({ status: r.status, retryAfter: r.headers.get('retry-after'), ms: Date.now() - started, body: r.text.slice(0, 300) });
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.length < 100) await new Promise((r) => setTimeout(r, 10));

    await proxy.down();
    phase = 'down';
    const downAt = Date.now();
    // While down: reads and writes on both nodes answer 503 quickly; /readyz says unavailable.
    for (const n of nodes) {
      const started = Date.now();
      const read = await request(n.base, 'GET', `/Patient/${acknowledged[0]!.id}`);
      assert.equal(read.status, 503, read.text);
      assert.equal(read.headers.get('retry-after'), '1');
      assert.ok(Date.now() - started < 2500, `a read took ${Date.now() - started} ms to fail`);
      assert.equal((await fetch(n.base.replace(/\/fhir$/, '/readyz'))).status, 503);
    }
    while (Date.now() - downAt < 2000) await new Promise((r) => setTimeout(r, 50));

    await proxy.up();
    phase = 'after';
    // Back without restart: each node answers again within a few seconds.
    for (const n of nodes) {
      const deadline = Date.now() + 15000;
      for (;;) {
        const r = await request(n.base, 'GET', `/Patient/${acknowledged[0]!.id}`);
        if (r.status === 200) break;
        assert.ok(Date.now() < deadline, `node did not recover: ${r.status} ${r.text}`);
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal((await fetch(n.base.replace(/\/fhir$/, '/readyz'))).status, 200);
    }
    const afterUp = acknowledged.length;
    while (acknowledged.length < afterUp + 100) await new Promise((r) => setTimeout(r, 10));
    stop = true;
    await Promise.all(writers);

    assert.ok(failures.length > 0, 'the outage was seen by the writers');
    const unexpected = failures.filter((f) => f.status !== 503 || f.retryAfter !== '1');
    assert.deepEqual(unexpected, [], 'every failure is a 503 with Retry-After');
    const slowest = Math.max(...failures.map((f) => f.ms));
    assert.ok(slowest < 2500, `failures come fast (slowest ${slowest} ms)`);
    assert.ok(acksIn.before > 0 && acksIn.after > 0, JSON.stringify(acksIn));
    // Every acknowledged write is there, read from the other node.
    const missing: string[] = [];
    for (const a of acknowledged) {
      const r = await request(nodes[(a.node + 1) % nodes.length]!.base, 'GET', `/Patient/${a.id}`);
      if (r.status !== 200) missing.push(`${a.id}: ${r.status}`);
    }
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged writes lost`);
    t.diagnostic(`acknowledged ${acknowledged.length} (before ${acksIn.before}, during ${acksIn.down}, after ${acksIn.after}); ${failures.length} × 503, slowest ${slowest} ms`);
  });
});

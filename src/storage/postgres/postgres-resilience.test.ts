/**
 * The database going away and coming back, simulated with a TCP proxy in front of PostgreSQL (the
 * shared server is never restarted by tests): requests fail fast with an "unavailable" error (503
 * for the HTTP layer), idle connections dropping do not crash the process, the pool reconnects by
 * itself, and acknowledged writes are still there. Runs when CDL_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { createServer, Socket, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { versionWrite } from '../../engine/storage-contract.js';
import { isUnavailableError } from './errors.js';
import { PostgresStorage } from './postgres-storage.js';
import { dropSchema, freshSchemaName } from './test-schema.js';

const url = process.env.CDL_TEST_DATABASE_URL;

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

  /** Drops every connection and refuses new ones (what clients see of a server restart). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const patient = (id: string) => ({ resourceType: 'Patient', id, name: [{ family: 'Resilient' }] });

describe('postgres: the database restarting', { skip: url ? false : 'CDL_TEST_DATABASE_URL is not set' }, () => {
  const schema = freshSchemaName('cdl_resilience');
  const target = new URL(url ?? 'postgres://localhost:5432/x');
  const proxy = new Proxy({ host: target.hostname, port: Number(target.port || 5432) });
  let storage: PostgresStorage;
  const idleErrors: Error[] = [];

  before(async () => {
    await proxy.up();
    const via = new URL(url!);
    via.hostname = '127.0.0.1';
    via.port = String(proxy.port);
    storage = await PostgresStorage.open({ connectionString: via.toString(), schema, poolSize: 4, connectTimeoutMs: 1000, onIdleError: (e) => idleErrors.push(e) });
  });
  after(async () => {
    await proxy.up();
    await storage.close();
    await proxy.down();
    await dropSchema(url!, schema);
  });

  it('fails fast while down, reconnects by itself, keeps acknowledged writes', async () => {
    await storage.transaction((tx) => tx.writeVersion(versionWrite(patient('kept'), 1, Date.now())));
    // Open a few idle connections, then take the database away.
    await Promise.all([1, 2, 3].map(() => storage.readCurrent('Patient', 'kept')));
    await proxy.down();
    const started = Date.now();
    await assert.rejects(storage.readCurrent('Patient', 'kept'), (e: unknown) => isUnavailableError(e));
    await assert.rejects(
      storage.transaction((tx) => tx.writeVersion(versionWrite(patient('lost'), 1, Date.now()))),
      (e: unknown) => isUnavailableError(e),
    );
    await assert.rejects(storage.ping(), (e: unknown) => isUnavailableError(e));
    assert.ok(Date.now() - started < 5000, 'unavailable errors come fast');
    await proxy.up();
    await storage.ping();
    assert.equal((await storage.readCurrent('Patient', 'kept'))?.version, 1);
    assert.equal(await storage.readCurrent('Patient', 'lost'), undefined);
    assert.ok(idleErrors.every((e) => isUnavailableError(e)), idleErrors.map((e) => e.message).join('; '));
  });

  it('a transaction cut in the middle fails as unavailable and leaves nothing', async () => {
    const outcome = storage.transaction(async (tx) => {
      await tx.writeVersion(versionWrite(patient('half'), 1, Date.now()));
      await proxy.down();
      await tx.readCurrent('Patient', 'half');
    });
    await assert.rejects(outcome, (e: unknown) => isUnavailableError(e));
    await proxy.up();
    assert.equal(await storage.readCurrent('Patient', 'half'), undefined);
  });
});

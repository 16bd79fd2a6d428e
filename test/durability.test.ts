/**
 * Crash durability: the server process is killed with SIGKILL in the middle of a write load;
 * after a restart on the same data directory every acknowledged note is there.
 * Also: graceful shutdown on SIGTERM lets in-flight requests finish.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, startChildServer } from './support/child-server.js';
import { note, patient, practitioner } from './support/fixtures.js';
import { request } from './support/test-server.js';

describe('durability', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('every acknowledged note survives kill -9 and restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdl-crash-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = await startChildServer(dataDir, port, { CDL_AUTH_DISABLED: 'true', CDL_RATE_LIMIT: '0' });
    const subject = (await request(first.base, 'POST', '/Patient', patient())).body.id;
    const author = `Practitioner/${(await request(first.base, 'POST', '/Practitioner', practitioner())).body.id}`;

    const acknowledged: Array<{ id: string; version: string }> = [];
    let killed = false;
    const writer = async () => {
      while (!killed) {
        try {
          const r = await request(first.base, 'POST', '/DocumentReference', note(subject, [author], { text: `note ${acknowledged.length}` }));
          if (r.status === 201) acknowledged.push({ id: r.body.id, version: r.body.meta.versionId });
        } catch {
          // connection reset by the kill: not acknowledged
        }
      }
    };
    const writers = Array.from({ length: 16 }, writer);
    while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
    first.process.kill('SIGKILL');
    killed = true;
    const exit = await first.exited;
    assert.equal(exit.signal, 'SIGKILL');
    await Promise.all(writers);

    const second = await startChildServer(dataDir, port, { CDL_AUTH_DISABLED: 'true' });
    try {
      const missing: string[] = [];
      for (const a of acknowledged) {
        const r = await request(second.base, 'GET', `/DocumentReference/${a.id}`);
        if (r.status !== 200 || r.body.meta.versionId !== a.version) missing.push(a.id);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged notes lost`);
      assert.ok(acknowledged.length >= 300);
    } finally {
      second.process.kill('SIGKILL');
      await second.exited;
    }
  });

  it('SIGTERM: the server stops cleanly after answering in-flight requests', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdl-term-'));
    dirs.push(dataDir);
    const port = await freePort();
    const srv = await startChildServer(dataDir, port, { CDL_AUTH_DISABLED: 'true', CDL_RATE_LIMIT: '0' });
    const inFlight = Array.from({ length: 20 }, (_, i) => request(srv.base, 'POST', '/Patient', patient(String(100000000000000 + i))));
    await new Promise((r) => setTimeout(r, 2));
    srv.process.kill('SIGTERM');
    const results = await Promise.allSettled(inFlight);
    const exit = await srv.exited;
    assert.equal(exit.code, 0, srv.output());
    const created = results.filter((r) => r.status === 'fulfilled' && r.value.status === 201).map((r) => (r as PromiseFulfilledResult<any>).value.body.id as string);
    const again = await startChildServer(dataDir, port, { CDL_AUTH_DISABLED: 'true' });
    try {
      for (const id of created) assert.equal((await request(again.base, 'GET', `/Patient/${id}`)).status, 200);
    } finally {
      again.process.kill('SIGKILL');
      await again.exited;
    }
  });
});

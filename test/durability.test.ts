/**
 * Crash durability: the server process is killed with SIGKILL in the middle of a write load;
 * after a restart on the same data directory every acknowledged note is there.
 * Also: graceful shutdown on SIGTERM answers in-flight requests and closes the database.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, startChildServer } from './support/child-server.js';
import { note, patient, practitioner } from './support/fixtures.js';
import { request } from './support/test-server.js';

/** A POST whose headers and first half of body are sent at once; `finish` sends the rest. */
function halfSentPost(port: number, body: string): { ready: Promise<void>; finish: () => void; response: Promise<{ status: number; body: string }> } {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  const socket = connect(port, '127.0.0.1');
  let raw = '';
  const ready = new Promise<void>((resolve, reject) => {
    socket.on('connect', () => {
      socket.write(`POST /fhir/Patient HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`);
      socket.write(bytes.subarray(0, half), () => setTimeout(resolve, 50));
    });
    socket.on('error', reject);
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    socket.on('data', (d) => (raw += d.toString('utf8')));
    socket.on('end', () => {
      const [head, ...rest] = raw.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head ?? '')?.[1] ?? 0), body: rest.join('\r\n\r\n') });
    });
    socket.on('error', reject);
  });
  return { ready, finish: () => socket.write(bytes.subarray(half)), response };
}

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

  it('SIGTERM: in-flight requests are answered, new connections refused, the database closed cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdl-term-'));
    dirs.push(dataDir);
    const port = await freePort();
    const srv = await startChildServer(dataDir, port, { CDL_AUTH_DISABLED: 'true', CDL_RATE_LIMIT: '0' });
    // Requests the server has started reading (headers and half the body sent) when SIGTERM arrives.
    const inFlight = Array.from({ length: 8 }, (_, i) => halfSentPost(port, JSON.stringify(patient(String(100000000000000 + i)))));
    const sockets = await Promise.all(inFlight.map((r) => r.ready));
    assert.equal(sockets.length, 8);
    srv.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await request(srv.base, 'GET', '/metadata').then((r) => r.status, () => 'refused');
    assert.notEqual(refused, 200, 'a new request after SIGTERM is not served');
    for (const r of inFlight) r.finish();
    const answers = await Promise.all(inFlight.map((r) => r.response));
    assert.deepEqual(answers.map((a) => a.status), Array(8).fill(201), 'every in-flight request was answered');
    const exit = await srv.exited;
    assert.equal(exit.code, 0, srv.output());
    // A clean close checkpoints and removes the write-ahead log.
    assert.equal(existsSync(join(dataDir, 'cdl.sqlite-wal')), false, 'WAL left behind: the database was not closed');
    const again = await startChildServer(dataDir, port, { CDL_AUTH_DISABLED: 'true' });
    try {
      for (const a of answers) assert.equal((await request(again.base, 'GET', `/Patient/${JSON.parse(a.body).id}`)).status, 200);
    } finally {
      again.process.kill('SIGKILL');
      await again.exited;
    }
  });
});

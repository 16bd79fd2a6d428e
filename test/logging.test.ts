/**
 * End-to-end: the real server's logs (`npm start`, pino JSON lines) name method, path, status and
 * duration of every request, and never patient data: no resource content, no search parameters,
 * nothing echoed from a rejected body.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, startChildServer } from './support/child-server.js';
import { patient } from './support/fixtures.js';
import { request } from './support/test-server.js';

describe('logs', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('JSON lines with method, path, status and duration; no names, identifiers, query strings or bodies', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdl-logs-'));
    dirs.push(dataDir);
    let id = '';
    const srv = await startChildServer(dataDir, await freePort(), { CDL_AUTH_DISABLED: 'true', CDL_RATE_LIMIT: '0', CDL_LOG_LEVEL: 'info' });
    try {
      const secret = { ...patient('176057512345678', 'Zéphyrine-Secrète'), telecom: [{ system: 'phone', value: '0612345678' }] };
      const created = await request(srv.base, 'POST', '/Patient', secret);
      assert.equal(created.status, 201);
      id = created.body.id;
      await request(srv.base, 'GET', `/Patient?family=${encodeURIComponent('Zéphyrine-Secrète')}&identifier=176057512345678`);
      await request(srv.base, 'POST', '/Patient', { ...secret, gender: 'Zéphyrine-Secrète' });
      await request(srv.base, 'POST', '/Patient', '{"resourceType":"Patient","name":[{"family":"Zéphyrine-Secrète"', { 'content-type': 'application/fhir+json' });
      await request(srv.base, 'PUT', `/Patient/${created.body.id}`, { ...created.body, birthDate: '0612345678' });
      await request(srv.base, 'POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: secret, request: { method: 'POST', url: 'Patient' } }] });
    } finally {
      srv.process.kill('SIGTERM');
      await srv.exited;
    }
    const lines = srv.output().split('\n').filter((l) => l.trim() !== '');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = records.filter((r) => r.msg === 'request');
    assert.deepEqual(
      requests.filter((r) => r.path !== '/healthz').map((r) => [r.method, r.path, r.status]),
      [
        ['POST', '/fhir/Patient', 201],
        ['GET', '/fhir/Patient', 200],
        ['POST', '/fhir/Patient', 400],
        ['POST', '/fhir/Patient', 400],
        ['PUT', `/fhir/Patient/${id}`, 400],
        ['POST', '/fhir/', 200],
      ],
    );
    for (const r of requests) assert.equal(typeof r.ms, 'number');
    const text = lines.join('\n');
    for (const leak of ['Zéphyrine', 'Secr', '176057512345678', '0612345678', 'family=', 'identifier=']) {
      assert.ok(!text.includes(leak), `'${leak}' in the logs:\n${lines.filter((l) => l.includes(leak)).join('\n')}`);
    }
  });
});

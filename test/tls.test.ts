/**
 * End-to-end: the real server (composition root, configuration from the environment) over
 * HTTPS with certificates the test generates: TLS 1.2+ only, then mutual TLS, where a client
 * without a certificate signed by CDL_TLS_CLIENT_CA never reaches the FHIR API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createTestPki, type TestPki } from '../src/security/testing/openssl-pki.js';
import { loadConfig } from '../src/server/config.js';
import { createServer, type Server } from '../src/server/compose.js';

interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('HTTPS and mutual TLS (the real server)', () => {
  let pki: TestPki;
  const dirs: string[] = [];
  const servers: Server[] = [];
  before(() => {
    pki = createTestPki(mkdtempSync(join(tmpdir(), 'cdl-tls-e2e-')));
  });
  after(async () => {
    for (const s of servers) await s.close();
    for (const d of [pki.dir, ...dirs]) rmSync(d, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<{ port: number; token: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdl-tls-data-'));
    dirs.push(dataDir);
    const config = loadConfig({ CDL_DATA_DIR: dataDir, CDL_TLS_CERT: pki.serverCert, CDL_TLS_KEY: pki.serverKey, CDL_RATE_LIMIT: '0', ...env });
    const server = await createServer(config, { logger: pino({ level: 'silent' }) });
    servers.push(server);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const token = await server.devIssuer!.mintToken({ scope: 'system/*.cruds', clientId: 'tls-test' });
    return { port: (server.app.server.address() as AddressInfo).port, token };
  }

  const get = (port: number, path: string, options: { token?: string; cert?: Buffer; key?: Buffer; maxVersion?: 'TLSv1.2' } = {}): Promise<HttpsResult> =>
    new Promise((resolve, reject) => {
      const { token, ...tls } = options;
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          servername: 'localhost',
          ca: pki.read(pki.caCert),
          agent: false,
          headers: { accept: 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...tls,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });

  const tls11 = (port: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.read(pki.caCert), minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
        resolve(socket.getProtocol() ?? '');
        socket.end();
      });
      socket.on('error', reject);
    });

  it('CDL_TLS_CERT/KEY: FHIR over HTTPS (TLS 1.2 and 1.3), https URLs in responses, TLS 1.1 refused, plain HTTP refused', async () => {
    const { port, token } = await start({});
    const cs = await get(port, '/fhir/metadata');
    assert.equal(cs.status, 200);
    assert.equal(JSON.parse(cs.body).resourceType, 'CapabilityStatement');
    assert.equal((await get(port, '/fhir/metadata', { maxVersion: 'TLSv1.2' })).status, 200);
    assert.equal((await get(port, '/fhir/Patient')).status, 401, 'still authenticated');
    const search = await get(port, '/fhir/Patient', { token });
    assert.equal(search.status, 200, search.body);
    assert.match(JSON.parse(search.body).link[0].url, /^https:\/\/localhost:\d+\/fhir\/Patient$|^https:\/\/127\.0\.0\.1:\d+\/fhir\/Patient$/);
    await assert.rejects(tls11(port), (e: NodeJS.ErrnoException) => e.code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    const plain = await fetch(`http://127.0.0.1:${port}/fhir/metadata`).then((r) => r.status, () => 'refused');
    assert.notEqual(plain, 200, 'no plain HTTP on the TLS port');
  });

  it('CDL_TLS_CLIENT_CA: only clients with a certificate from that CA reach the API', async () => {
    const { port, token } = await start({ CDL_TLS_CLIENT_CA: pki.caCert });
    const cert = pki.read(pki.clientCert);
    const key = pki.read(pki.clientKey);
    const ok = await get(port, '/fhir/Patient', { token, cert, key });
    assert.equal(ok.status, 200, ok.body);
    assert.equal((await get(port, '/fhir/Patient', { token, cert, key, maxVersion: 'TLSv1.2' })).status, 200);
    await assert.rejects(get(port, '/fhir/Patient', { token }), 'no client certificate');
    await assert.rejects(get(port, '/fhir/Patient', { token, maxVersion: 'TLSv1.2' }), 'no client certificate (TLS 1.2)');
    await assert.rejects(get(port, '/fhir/Patient', { token, cert: pki.read(pki.rogueClientCert), key: pki.read(pki.rogueClientKey) }), 'certificate of another CA');
    await assert.rejects(get(port, '/fhir/metadata', { cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey) }), 'a server certificate is no client certificate');
  });
});

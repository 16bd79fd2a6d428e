import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { createTestPki, type TestPki } from './testing/openssl-pki.js';
import { tlsOptions, tlsPeer } from './tls.js';

let pki: TestPki;
const servers: Server[] = [];

before(() => {
  pki = createTestPki(mkdtempSync(join(tmpdir(), 'cdl-tls-')));
});
after(() => {
  for (const s of servers) s.close();
  rmSync(pki.dir, { recursive: true, force: true });
});

/** Starts an https server answering 200 with the verified client certificate's CN (or '-'). */
async function serve(options: ServerOptions): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer(options, (req, res) => {
    hits++;
    const peer = tlsPeer(req.socket);
    res.end(peer ? peer.subject : '-');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits: () => hits };
}

/** One TLS handshake; resolves with the negotiated protocol or rejects with the TLS error. */
function handshake(port: number, extra: ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.read(pki.caCert), ...extra }, () => {
      const protocol = socket.getProtocol() ?? '';
      socket.end();
      resolve(protocol);
    });
    socket.on('error', reject);
  });
}

/** One HTTPS GET; resolves with status and body, or rejects. */
function get(port: number, extra: { cert?: Buffer; key?: Buffer; maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/fhir/metadata', servername: 'localhost', ca: pki.read(pki.caCert), agent: false, ...extra },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const env = () => ({ CDL_TLS_CERT: pki.serverCert, CDL_TLS_KEY: pki.serverKey });

describe('tlsOptions', () => {
  test('unset → undefined (plain HTTP)', () => {
    assert.equal(tlsOptions({}), undefined);
    assert.equal(tlsOptions({ CDL_TLS_CERT: '', CDL_TLS_KEY: ' ' }), undefined);
  });

  test('cert and key → TLS 1.2 minimum, no client certificate requested', () => {
    const o = tlsOptions(env())!;
    assert.equal(o.minVersion, 'TLSv1.2');
    assert.ok(o.cert.toString().includes('BEGIN CERTIFICATE'));
    assert.ok(o.key.toString().includes('PRIVATE KEY'));
    assert.equal(o.requestCert, undefined);
    assert.equal(o.ca, undefined);
  });

  test('client CA → mutual TLS', () => {
    const o = tlsOptions({ ...env(), CDL_TLS_CLIENT_CA: pki.caCert })!;
    assert.equal(o.requestCert, true);
    assert.equal(o.rejectUnauthorized, true);
    assert.ok(o.ca?.toString().includes('BEGIN CERTIFICATE'));
  });

  test('configuration errors name the variable', () => {
    assert.throws(() => tlsOptions({ CDL_TLS_CERT: pki.serverCert }), /CDL_TLS_CERT is set but CDL_TLS_KEY is not/);
    assert.throws(() => tlsOptions({ CDL_TLS_KEY: pki.serverKey }), /CDL_TLS_KEY is set but CDL_TLS_CERT is not/);
    assert.throws(() => tlsOptions({ CDL_TLS_CLIENT_CA: pki.caCert }), /CDL_TLS_CLIENT_CA requires CDL_TLS_CERT and CDL_TLS_KEY/);
    assert.throws(() => tlsOptions({ ...env(), CDL_TLS_CERT: join(pki.dir, 'nope.crt') }), /CDL_TLS_CERT: cannot read .*\(ENOENT\)/);
    assert.throws(() => tlsOptions({ ...env(), CDL_TLS_CERT: pki.serverKey }), /CDL_TLS_CERT: .* is not a PEM file/);
    assert.throws(() => tlsOptions({ ...env(), CDL_TLS_KEY: pki.clientKey }), /the key does not match the certificate/);
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'hello');
    assert.throws(() => tlsOptions({ ...env(), CDL_TLS_CLIENT_CA: garbage }), /CDL_TLS_CLIENT_CA: .* is not a PEM file/);
  });
});

describe('HTTPS server with these options', () => {
  const legacy: ConnectionOptions = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };

  test('control: the test client really can speak TLS 1.1 to a server that allows it', async () => {
    const { port } = await serve({ ...tlsOptions(env())!, minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    assert.equal(await handshake(port, legacy), 'TLSv1.1');
  });

  test('TLS 1.1 is refused; TLS 1.2 and 1.3 work', async () => {
    const { port, hits } = await serve(tlsOptions(env())!);
    await assert.rejects(handshake(port, legacy), (e: NodeJS.ErrnoException) => e.code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    assert.equal(await handshake(port, { maxVersion: 'TLSv1.2' }), 'TLSv1.2');
    assert.equal(await handshake(port, {}), 'TLSv1.3');
    assert.deepEqual(await get(port, { maxVersion: 'TLSv1.2' }), { status: 200, body: '-' });
    assert.equal(hits(), 1);
  });

  test('mutual TLS: a client certificate signed by the CA is accepted (TLS 1.2 and 1.3)', async () => {
    const { port } = await serve(tlsOptions({ ...env(), CDL_TLS_CLIENT_CA: pki.caCert })!);
    const cert = pki.read(pki.clientCert);
    const key = pki.read(pki.clientKey);
    assert.deepEqual(await get(port, { cert, key }), { status: 200, body: 'CN=plateforme-coordination' });
    assert.deepEqual(await get(port, { cert, key, maxVersion: 'TLSv1.2' }), { status: 200, body: 'CN=plateforme-coordination' });
  });

  test('mutual TLS: no client certificate, or one from another CA, never reaches the handler', async () => {
    const { port, hits } = await serve(tlsOptions({ ...env(), CDL_TLS_CLIENT_CA: pki.caCert })!);
    const rogue = { cert: pki.read(pki.rogueClientCert), key: pki.read(pki.rogueClientKey) };
    await assert.rejects(get(port));
    await assert.rejects(get(port, { maxVersion: 'TLSv1.2' }));
    await assert.rejects(get(port, rogue));
    await assert.rejects(get(port, { ...rogue, maxVersion: 'TLSv1.2' }));
    // a server certificate is not a client certificate (wrong extendedKeyUsage)
    await assert.rejects(get(port, { cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey) }));
    assert.equal(hits(), 0);
  });
});

test('tlsPeer: undefined for a plain or unauthenticated socket', () => {
  assert.equal(tlsPeer(undefined), undefined);
  assert.equal(tlsPeer({}), undefined);
  assert.equal(tlsPeer({ authorized: false, getPeerCertificate: () => ({ subject: { CN: 'x' } }) }), undefined);
});

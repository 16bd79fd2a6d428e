import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { FhirError } from '../fhir/errors.js';
import { DEV_AUDIENCE, DEV_ISSUER, openDevIssuer } from './dev-issuer.js';
import { formatScope } from './scopes.js';
import { createTokenVerifier } from './token-verifier.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cdl-dev-issuer-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('first open creates an ES256 key pair: private key 0600 in a 0700 directory, public JWKS without private parts', async () => {
  const dataDir = tempDir();
  const dev = await openDevIssuer({ dataDir });
  assert.equal(dev.issuer, DEV_ISSUER);
  assert.equal(dev.audience, DEV_AUDIENCE);
  assert.equal(dev.directory, join(dataDir, 'dev-issuer'));
  assert.equal(statSync(dev.directory).mode & 0o777, 0o700);
  const keyPath = join(dev.directory, 'private-key.json');
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  const priv = JSON.parse(readFileSync(keyPath, 'utf8'));
  assert.equal(priv.kty, 'EC');
  assert.equal(priv.kid, dev.kid);
  const jwks = JSON.parse(readFileSync(dev.jwksPath, 'utf8'));
  assert.deepEqual(jwks, dev.publicJwks());
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].kid, dev.kid);
  assert.equal(jwks.keys[0].d, undefined);
  assert.equal(jwks.keys[0].alg, 'ES256');
});

test('re-opening keeps the key; concurrent first opens agree on one key', async () => {
  const dataDir = tempDir();
  const all = await Promise.all([1, 2, 3, 4, 5].map(() => openDevIssuer({ dataDir })));
  assert.equal(new Set(all.map((d) => d.kid)).size, 1);
  const again = await openDevIssuer({ dataDir });
  assert.equal(again.kid, all[0]!.kid);
});

test('minted tokens verify with the verifier trusting the dev issuer', async () => {
  const dev = await openDevIssuer({ dataDir: tempDir() });
  const verifier = createTokenVerifier({ issuers: [dev.issuerConfig()] });
  const token = await dev.mintToken({ fhirUser: 'PractitionerRole/abc', scope: 'openid  user/*.cruds', clientId: 'cli' });
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: dev.kid, typ: 'at+jwt' });
  const p = await verifier.verify(`Bearer ${token}`);
  assert.equal(p.issuer, DEV_ISSUER);
  assert.equal(p.subject, 'PractitionerRole/abc');
  assert.equal(p.clientId, 'cli');
  assert.deepEqual(p.fhirUser, { type: 'PractitionerRole', id: 'abc' });
  assert.deepEqual(p.scopes.map(formatScope), ['user/*.cruds']);
  assert.ok(p.tokenId);
  const lifetime = p.expiresAt - Math.floor(Date.now() / 1000);
  assert.ok(lifetime > 3590 && lifetime <= 3600, String(lifetime));
});

test('subject defaults and options', async () => {
  const dev = await openDevIssuer({ dataDir: tempDir() });
  const verifier = createTokenVerifier({ issuers: [dev.issuerConfig()] });
  const v = async (t: string) => verifier.verify(`Bearer ${t}`);
  assert.equal((await v(await dev.mintToken({ scope: 'system/*.cruds', clientId: 'plateforme' }))).subject, 'plateforme');
  assert.equal((await v(await dev.mintToken({ scope: 'system/*.cruds' }))).subject, 'dev-user');
  assert.equal((await v(await dev.mintToken({ scope: 'user/*.rs', subject: 'alice', fhirUser: 'Patient/p1' }))).subject, 'alice');
  const psc = await v(await dev.mintToken({ scope: 'user/*.rs', extraClaims: { SubjectNameID: '810000000001', SubjectRefPro: { exercices: [{ codeProfession: '10' }] } } }));
  assert.deepEqual(psc.psc, { nationalId: '810000000001', professionCodes: ['10'] });
  const expired = await dev.mintToken({ scope: 'user/*.rs', expiresInSeconds: -120 });
  await assert.rejects(v(expired), (e: unknown) => e instanceof FhirError && e.status === 401 && e.message === 'token expired');
});

test('invalid mint options are refused with precise messages', async () => {
  const dev = await openDevIssuer({ dataDir: tempDir() });
  await assert.rejects(dev.mintToken({ scope: '  ' }), /a scope is required/);
  await assert.rejects(dev.mintToken({ scope: 'user/*.rs', fhirUser: 'Person/1' }), /fhirUser 'Person\/1' must be Type\/id/);
  await assert.rejects(dev.mintToken({ scope: 'user/*.rs', expiresInSeconds: 1.5 }), /integer/);
});

test('a too-open private key file is tightened to 0600; a corrupt one is reported', async () => {
  const dataDir = tempDir();
  const dev = await openDevIssuer({ dataDir });
  const keyPath = join(dev.directory, 'private-key.json');
  chmodSync(keyPath, 0o644);
  await openDevIssuer({ dataDir });
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  writeFileSync(keyPath, '{"kty":"oct"}');
  await assert.rejects(openDevIssuer({ dataDir }), /not an EC P-256 private JWK.*delete the dev-issuer directory/);
});

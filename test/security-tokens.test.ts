/** Attack tests on authentication, over HTTP, with an external issuer (file JWKS). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hmacWithPublicKey, jwksOf, signToken, tamperPayload, testKey, unsignedToken, type TestKey } from '../src/security/testing/token-factory.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'https://cdl.example.test/fhir';

describe('authentication attacks', () => {
  let t: TestServer;
  let key: TestKey;
  let other: TestKey;
  let dir: string;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: AUDIENCE, sub: 'platform', scope: 'system/*.cruds', ...extra });
  const withToken = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    key = await testKey('ES256', 'k1');
    other = await testKey('ES256', 'k2');
    dir = mkdtempSync(join(tmpdir(), 'cdl-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwksOf(key)));
    t = await startTestServer({ CDL_AUTH_ISSUER: ISSUER, CDL_AUTH_JWKS: join(dir, 'jwks.json'), CDL_AUTH_AUDIENCE: AUDIENCE });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expect401 = async (headers: Record<string, string>, label: string) => {
    const r = await t.request('GET', '/Patient', undefined, headers);
    assert.equal(r.status, 401, `${label}: ${r.text}`);
    assert.equal(r.body.resourceType, 'OperationOutcome', label);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/, label);
    return r;
  };

  it('a valid token is accepted', async () => {
    const r = await t.request('GET', '/Patient', undefined, withToken(await signToken(key, claims())));
    assert.equal(r.status, 200, r.text);
  });

  it('every endpoint but the public ones answers 401 without a token', async () => {
    for (const [method, path] of [['GET', '/Patient'], ['GET', '/DocumentReference/x'], ['POST', '/Patient'], ['POST', '/'], ['GET', '/_history'], ['DELETE', '/Patient/x']] as const) {
      const r = await t.request(method, path, method === 'POST' ? { resourceType: 'Patient' } : undefined, { authorization: '' });
      assert.equal(r.status, 401, `${method} ${path}`);
    }
    assert.equal((await t.request('GET', '/metadata', undefined, { authorization: '' })).status, 200);
    const smart = await t.request('GET', '/.well-known/smart-configuration', undefined, { authorization: '' });
    assert.equal(smart.status, 200);
    assert.equal(smart.body.issuer, ISSUER);
    const root = t.base.replace(/\/fhir$/, '');
    assert.equal((await fetch(`${root}/healthz`)).status, 200);
    assert.equal((await fetch(`${root}/readyz`)).status, 200);
    assert.equal((await fetch(`${root}/.well-known/smart-configuration`)).status, 200);
  });

  it('refuses expired, not-yet-valid, foreign, mis-addressed, unsigned, HMAC-confused and tampered tokens', async () => {
    await expect401(withToken(await signToken(key, claims(), { exp: now() - 120 })), 'expired');
    await expect401(withToken(await signToken(key, claims({ nbf: now() + 600 }))), 'not yet valid');
    await expect401(withToken(await signToken(key, claims({ iss: 'https://evil.example' }))), 'wrong issuer');
    await expect401(withToken(await signToken(key, claims({ aud: 'https://other.example' }))), 'wrong audience');
    await expect401(withToken(await signToken(other, claims())), 'unknown kid');
    await expect401(withToken(await signToken(other, claims(), { header: { kid: 'k1' } })), 'trusted kid, foreign key');
    await expect401(withToken(unsignedToken(claims())), 'alg none');
    await expect401(withToken(await hmacWithPublicKey(key, claims())), 'HS256 with the public key');
    await expect401(withToken(tamperPayload(await signToken(key, claims({ scope: 'system/Patient.r' })), { scope: 'system/*.cruds' })), 'tampered');
    await expect401({ authorization: 'Basic dXNlcjpwYXNz' }, 'Basic scheme');
    await expect401(withToken('not.a.jwt'), 'malformed');
  });

  it('scopes are enforced per interaction: read-only scope cannot search or write', async () => {
    const readOnly = withToken(await signToken(key, claims({ scope: 'system/Patient.r' })));
    const created = await t.request('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Scope' }] }, withToken(await signToken(key, claims())));
    assert.equal(created.status, 201);
    assert.equal((await t.request('GET', `/Patient/${created.body.id}`, undefined, readOnly)).status, 200);
    const search = await t.request('GET', '/Patient?family=scope', undefined, readOnly);
    assert.equal(search.status, 403);
    assert.match(search.body.issue[0].diagnostics, /search on Patient/);
    assert.equal((await t.request('POST', '/Patient', { resourceType: 'Patient' }, readOnly)).status, 403);
    assert.equal((await t.request('GET', '/DocumentReference/x', undefined, readOnly)).status, 403);
  });

  it('a user-scoped token must name its user (fhirUser)', async () => {
    const r = await t.request('GET', '/Patient', undefined, withToken(await signToken(key, claims({ scope: 'user/*.rs' }))));
    assert.equal(r.status, 403);
    assert.match(r.body.issue[0].diagnostics, /fhirUser/);
    const unknown = await t.request('GET', '/Patient', undefined, withToken(await signToken(key, claims({ scope: 'user/*.rs', fhirUser: 'PractitionerRole/nobody' }))));
    assert.equal(unknown.status, 403);
  });
});

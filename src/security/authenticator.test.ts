import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FhirError } from '../fhir/errors.js';
import { readAuthConfig } from './auth-config.js';
import { createAuthenticator, disabledPrincipal } from './authenticator.js';
import { jwksOf, signToken, testKey } from './testing/token-factory.js';

const dir = mkdtempSync(join(tmpdir(), 'cdl-authn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const is401 = (e: unknown) => e instanceof FhirError && e.status === 401;

test('dev-issuer mode: creates the key pair and accepts its tokens only', async () => {
  const a = await createAuthenticator(readAuthConfig({}), { dataDir: join(dir, 'dev') });
  assert.equal(a.mode, 'dev-issuer');
  assert.ok(a.devIssuer);
  assert.match(a.warnings[0]!, /DEVELOPMENT/);
  const token = await a.devIssuer.mintToken({ fhirUser: 'Patient/p1', scope: 'patient/*.rs' });
  assert.deepEqual((await a.authenticate(`Bearer ${token}`)).fhirUser, { type: 'Patient', id: 'p1' });
  await assert.rejects(a.authenticate(undefined), is401);
  const stranger = await testKey('ES256', 'x');
  await assert.rejects(a.authenticate(`Bearer ${await signToken(stranger, { iss: 'urn:cdl:dev-issuer', aud: 'cahier-de-liaison', sub: 's' })}`), is401);
});

test('issuers mode: the configured issuer, not the dev issuer', async () => {
  const key = await testKey('RS256', 'k1');
  const jwks = join(dir, 'idp-jwks.json');
  writeFileSync(jwks, JSON.stringify(jwksOf(key)));
  const a = await createAuthenticator(readAuthConfig({ CDL_AUTH_ISSUER: 'https://idp', CDL_AUTH_JWKS: jwks, CDL_AUTH_AUDIENCE: 'cdl' }), { dataDir: join(dir, 'prod') });
  assert.equal(a.mode, 'issuers');
  assert.equal(a.devIssuer, undefined);
  const p = await a.authenticate(`Bearer ${await signToken(key, { iss: 'https://idp', aud: 'cdl', sub: 'u', scope: 'user/*.rs' })}`);
  assert.equal(p.issuer, 'https://idp');
  const dev = await createAuthenticator(readAuthConfig({}), { dataDir: join(dir, 'dev2') });
  const devToken = await dev.devIssuer!.mintToken({ scope: 'system/*.cruds' });
  await assert.rejects(a.authenticate(`Bearer ${devToken}`), (e: unknown) => is401(e) && (e as FhirError).message === 'untrusted issuer');
});

test('disabled mode: every request is the all-system-scopes principal, headers ignored', async () => {
  const a = await createAuthenticator(readAuthConfig({ CDL_AUTH_DISABLED: 'true' }), { dataDir: join(dir, 'off') });
  assert.equal(a.mode, 'disabled');
  assert.match(a.warnings[0]!, /AUTHENTICATION IS DISABLED/);
  assert.deepEqual(await a.authenticate(undefined), disabledPrincipal());
  assert.deepEqual(await a.authenticate('Bearer garbage'), disabledPrincipal());
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTH_DISABLED_WARNING, readAuthConfig } from './auth-config.js';

test('no issuer → the embedded dev issuer, with a warning', () => {
  const c = readAuthConfig({});
  assert.equal(c.mode, 'dev-issuer');
  assert.equal(c.clockToleranceSeconds, 30);
  assert.deepEqual(c.endpoints, {});
  assert.match(c.warnings[0]!, /DEVELOPMENT issuer/);
});

test('one issuer', () => {
  const c = readAuthConfig({
    CDL_AUTH_ISSUER: 'https://auth.esante.gouv.fr/auth/realms/esante-wallet',
    CDL_AUTH_JWKS: 'https://auth.esante.gouv.fr/auth/realms/esante-wallet/protocol/openid-connect/certs',
    CDL_AUTH_AUDIENCE: 'cahier-de-liaison',
    CDL_AUTH_CLOCK_TOLERANCE: '10',
  });
  assert.deepEqual(c, {
    mode: 'issuers',
    issuers: [
      {
        issuer: 'https://auth.esante.gouv.fr/auth/realms/esante-wallet',
        jwks: 'https://auth.esante.gouv.fr/auth/realms/esante-wallet/protocol/openid-connect/certs',
        audience: 'cahier-de-liaison',
      },
    ],
    clockToleranceSeconds: 10,
    endpoints: {},
    warnings: [],
  });
});

test('several issuers: same order, one audience for all or one each, a|b alternatives', () => {
  const c = readAuthConfig({
    CDL_AUTH_ISSUER: 'https://a.example, https://b.example',
    CDL_AUTH_JWKS: 'https://a.example/jwks,/etc/cdl/b-jwks.json',
    CDL_AUTH_AUDIENCE: 'cdl',
  });
  assert.ok(c.mode === 'issuers');
  assert.deepEqual(c.issuers, [
    { issuer: 'https://a.example', jwks: 'https://a.example/jwks', audience: 'cdl' },
    { issuer: 'https://b.example', jwks: '/etc/cdl/b-jwks.json', audience: 'cdl' },
  ]);
  const d = readAuthConfig({
    CDL_AUTH_ISSUER: 'https://a.example,https://b.example',
    CDL_AUTH_JWKS: 'https://a.example/jwks,http://localhost:8081/jwks',
    CDL_AUTH_AUDIENCE: 'cdl|https://cdl.example.fr/fhir,other',
  });
  assert.ok(d.mode === 'issuers');
  assert.deepEqual(d.issuers.map((i) => i.audience), [['cdl', 'https://cdl.example.fr/fhir'], 'other']);
});

test('SMART endpoints are validated', () => {
  const c = readAuthConfig({ CDL_AUTH_TOKEN_ENDPOINT: 'https://idp/token', CDL_AUTH_AUTHORIZATION_ENDPOINT: 'https://idp/auth' });
  assert.deepEqual(c.endpoints, { token: 'https://idp/token', authorization: 'https://idp/auth' });
  assert.throws(() => readAuthConfig({ CDL_AUTH_TOKEN_ENDPOINT: 'idp/token' }), /CDL_AUTH_TOKEN_ENDPOINT must be an absolute URL/);
  assert.throws(() => readAuthConfig({ CDL_AUTH_AUTHORIZATION_ENDPOINT: 'ftp://idp/auth' }), /CDL_AUTH_AUTHORIZATION_ENDPOINT must be an http\(s\) URL/);
});

test('CDL_AUTH_DISABLED=true → disabled, with a loud warning', () => {
  const c = readAuthConfig({ CDL_AUTH_DISABLED: 'true' });
  assert.equal(c.mode, 'disabled');
  assert.deepEqual(c.warnings, [AUTH_DISABLED_WARNING]);
  assert.match(AUTH_DISABLED_WARNING, /AUTHENTICATION IS DISABLED/);
  assert.equal(readAuthConfig({ CDL_AUTH_DISABLED: 'false' }).mode, 'dev-issuer');
});

test('invalid settings are refused with messages naming the variable', () => {
  const ok = { CDL_AUTH_ISSUER: 'https://a', CDL_AUTH_JWKS: 'https://a/jwks', CDL_AUTH_AUDIENCE: 'cdl' };
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ CDL_AUTH_DISABLED: 'yes' }, /CDL_AUTH_DISABLED must be 'true' or 'false' \(got 'yes'\)/],
    [{ ...ok, CDL_AUTH_DISABLED: 'true' }, /CDL_AUTH_DISABLED=true contradicts CDL_AUTH_ISSUER/],
    [{ CDL_AUTH_JWKS: 'https://a/jwks' }, /CDL_AUTH_JWKS is set but CDL_AUTH_ISSUER is not/],
    [{ CDL_AUTH_AUDIENCE: 'cdl' }, /CDL_AUTH_AUDIENCE is set but CDL_AUTH_ISSUER is not/],
    [{ ...ok, CDL_AUTH_JWKS: '' }, /CDL_AUTH_JWKS is required/],
    [{ ...ok, CDL_AUTH_AUDIENCE: '' }, /CDL_AUTH_AUDIENCE is required/],
    [{ ...ok, CDL_AUTH_ISSUER: 'https://a,,https://b' }, /CDL_AUTH_ISSUER has an empty entry at position 2/],
    [{ ...ok, CDL_AUTH_ISSUER: 'https://a,https://a' }, /CDL_AUTH_ISSUER lists 'https:\/\/a' twice/],
    [{ ...ok, CDL_AUTH_ISSUER: 'https://a,https://b' }, /CDL_AUTH_JWKS lists 1 JWKS for 2 issuer/],
    [{ ...ok, CDL_AUTH_JWKS: 'http://idp.example/jwks' }, /CDL_AUTH_JWKS entry 1 \(for issuer 'https:\/\/a'\): .*must use https/],
    [{ ...ok, CDL_AUTH_JWKS: 'ftp://idp.example/jwks' }, /CDL_AUTH_JWKS entry 1 .*must use https/],
    [{ ...ok, CDL_AUTH_ISSUER: 'https://a,https://b', CDL_AUTH_JWKS: 'https://a/j,https://b/j', CDL_AUTH_AUDIENCE: 'x,y,z' }, /3 audiences for 2 issuers/],
    [{ ...ok, CDL_AUTH_AUDIENCE: 'cdl|' }, /empty alternative/],
    [{ CDL_AUTH_CLOCK_TOLERANCE: '-1' }, /CDL_AUTH_CLOCK_TOLERANCE must be an integer/],
    [{ CDL_AUTH_CLOCK_TOLERANCE: '1000' }, /between 0 and 300/],
  ];
  for (const [env, message] of cases) assert.throws(() => readAuthConfig(env), message, JSON.stringify(env));
});

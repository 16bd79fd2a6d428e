import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAuthConfig } from './auth-config.js';
import { buildSmartConfiguration, smartConfigurationFor } from './smart-configuration.js';
import { parseScopesDetailed } from './scopes.js';

test('minimal document: scopes understood, no endpoints, no launch capabilities', () => {
  const doc = buildSmartConfiguration();
  assert.deepEqual(doc.grant_types_supported, []);
  assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(doc.capabilities, ['permission-v2', 'permission-v1', 'permission-user', 'permission-patient']);
  assert.equal(doc.token_endpoint, undefined);
  assert.equal(doc.authorization_endpoint, undefined);
  assert.ok(doc.scopes_supported.includes('user/*.cruds'));
  assert.ok(!doc.scopes_supported.includes('launch/patient'));
});

test('every advertised resource scope is one the server parses', () => {
  const doc = buildSmartConfiguration({ authorizationEndpoint: 'https://idp/auth', resourceTypes: ['DocumentReference', 'Patient'] });
  const { dropped } = parseScopesDetailed(doc.scopes_supported);
  assert.deepEqual(dropped, []);
  assert.ok(doc.scopes_supported.includes('user/DocumentReference.cruds'));
  assert.ok(doc.scopes_supported.includes('patient/Patient.rs'));
});

test('endpoints enable the matching capabilities and grants', () => {
  const doc = buildSmartConfiguration({
    issuer: 'https://idp.example/realms/cdl',
    jwksUri: 'https://idp.example/realms/cdl/certs',
    tokenEndpoint: 'https://idp.example/token',
    authorizationEndpoint: 'https://idp.example/auth',
  });
  assert.equal(doc.issuer, 'https://idp.example/realms/cdl');
  assert.equal(doc.jwks_uri, 'https://idp.example/realms/cdl/certs');
  assert.equal(doc.token_endpoint, 'https://idp.example/token');
  assert.equal(doc.authorization_endpoint, 'https://idp.example/auth');
  assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'client_credentials']);
  assert.deepEqual(doc.response_types_supported, ['code']);
  assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['private_key_jwt']);
  for (const c of ['client-confidential-asymmetric', 'launch-standalone', 'context-standalone-patient', 'permission-v2', 'permission-v1']) {
    assert.ok(doc.capabilities.includes(c), c);
  }
  assert.ok(doc.scopes_supported.includes('launch/patient'));
});

test('from the auth configuration: first issuer, JWKS only when a URL; dev issuer', () => {
  const doc = smartConfigurationFor(
    readAuthConfig({
      CDL_AUTH_ISSUER: 'https://a.example,https://b.example',
      CDL_AUTH_JWKS: 'https://a.example/jwks,/etc/b.json',
      CDL_AUTH_AUDIENCE: 'cdl',
      CDL_AUTH_TOKEN_ENDPOINT: 'https://a.example/token',
    }),
  );
  assert.equal(doc.issuer, 'https://a.example');
  assert.equal(doc.jwks_uri, 'https://a.example/jwks');
  assert.deepEqual(doc.grant_types_supported, ['client_credentials']);
  const file = smartConfigurationFor(readAuthConfig({ CDL_AUTH_ISSUER: 'https://a', CDL_AUTH_JWKS: './jwks.json', CDL_AUTH_AUDIENCE: 'cdl' }));
  assert.equal(file.jwks_uri, undefined);
  const dev = smartConfigurationFor(readAuthConfig({}), { devJwksUri: 'http://localhost:8080/.well-known/jwks.json' });
  assert.equal(dev.issuer, 'urn:cdl:dev-issuer');
  assert.equal(dev.jwks_uri, 'http://localhost:8080/.well-known/jwks.json');
  const disabled = smartConfigurationFor(readAuthConfig({ CDL_AUTH_DISABLED: 'true' }));
  assert.equal(disabled.issuer, undefined);
});

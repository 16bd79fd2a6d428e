import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwksLocation } from './jwks-source.js';

test('jwksLocation: https and loopback http are remote; file URLs and paths are files', () => {
  assert.deepEqual(jwksLocation('https://idp.example/certs'), { kind: 'remote', url: new URL('https://idp.example/certs') });
  for (const u of ['http://localhost:8081/jwks', 'http://127.0.0.1/jwks', 'http://127.0.0.2/jwks', 'http://[::1]:9000/jwks']) {
    assert.equal(jwksLocation(u).kind, 'remote', u);
  }
  assert.deepEqual(jwksLocation('file:///etc/cdl/jwks.json'), { kind: 'file', path: '/etc/cdl/jwks.json' });
  assert.deepEqual(jwksLocation('/etc/cdl/jwks.json'), { kind: 'file', path: '/etc/cdl/jwks.json' });
  assert.deepEqual(jwksLocation(' ./keys/jwks.json ', '/srv/cdl'), { kind: 'file', path: '/srv/cdl/keys/jwks.json' });
});

test('jwksLocation: refuses plain http to other hosts, other schemes and empty values', () => {
  assert.throws(() => jwksLocation('http://idp.example/jwks'), /must use https \(plain http is accepted only for localhost\)/);
  assert.throws(() => jwksLocation('http://localhost.evil.example/jwks'), /must use https/);
  assert.throws(() => jwksLocation('ftp://idp.example/jwks'), /must use https/);
  assert.throws(() => jwksLocation('   '), /empty/);
});

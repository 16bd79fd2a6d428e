import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Principal } from '../security/principal.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const principal = (expiresAt: number): Principal => ({ issuer: 'i', subject: 's', scopes: [], expiresAt });

it('verifies a token once, then serves it from the cache until it expires', async () => {
  let now = 1_000_000;
  let calls = 0;
  const cache = new VerifiedTokenCache(async () => {
    calls++;
    return principal(now / 1000 + 10);
  }, () => now);
  await cache.authenticate('Bearer a');
  await cache.authenticate('Bearer a');
  assert.equal(calls, 1);
  await cache.authenticate('Bearer b');
  assert.equal(calls, 2);
  now += 11_000;
  await cache.authenticate('Bearer a');
  assert.equal(calls, 3, 'an expired entry is verified again');
});

it('never caches a failure', async () => {
  let calls = 0;
  const cache = new VerifiedTokenCache(async () => {
    calls++;
    throw new Error('bad token');
  });
  await assert.rejects(cache.authenticate('Bearer x'));
  await assert.rejects(cache.authenticate('Bearer x'));
  assert.equal(calls, 2);
});

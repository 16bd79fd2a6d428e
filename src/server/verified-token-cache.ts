/**
 * Remembers tokens already verified, so a client sending the same bearer token on every request
 * pays the signature check once. An entry lives until the token expires (at most `maxAgeMs`);
 * tokens are kept only as their SHA-256.
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../security/principal.js';

export class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly verify: (header: string | undefined) => Promise<Principal>,
    private readonly clock: () => number = Date.now,
    private readonly maxAgeMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  async authenticate(header: string | undefined): Promise<Principal> {
    if (header === undefined || header === '') return this.verify(header);
    const key = createHash('sha256').update(header).digest('base64url');
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && hit.until > now && hit.principal.expiresAt * 1000 > now) return hit.principal;
    const principal = await this.verify(header);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { principal, until: Math.min(now + this.maxAgeMs, principal.expiresAt * 1000) });
    return principal;
  }
}

/** Verification of the tamper-evident audit chain. */
import type { Storage } from '../storage-port.js';
import { chainHash } from './audit-chain.js';

export interface VerifyResult {
  ok: boolean;
  verified: number;
  /** The first link that does not verify. */
  broken?: { seq: number; eventId: string; reason: string };
  head: string;
}

export async function verifyAuditChain(storage: Storage): Promise<VerifyResult> {
  let previous = '';
  let verified = 0;
  let after = 0;
  for (;;) {
    const links = await storage.auditChain(after, 1000);
    if (links.length === 0) return { ok: true, verified, head: previous };
    for (const link of links) {
      const event = await storage.readVersion('AuditEvent', link.eventId, 1);
      if (!event?.json) return { ok: false, verified, head: previous, broken: { seq: link.seq, eventId: link.eventId, reason: 'the AuditEvent is missing' } };
      const expected = chainHash(previous, event.json);
      if (expected !== link.hash) {
        return { ok: false, verified, head: previous, broken: { seq: link.seq, eventId: link.eventId, reason: 'hash mismatch: the event or an earlier link was altered' } };
      }
      previous = link.hash;
      verified++;
      after = link.seq;
    }
  }
}


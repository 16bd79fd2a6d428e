/**
 * The tamper-evident audit chain: each AuditEvent's link stores sha256(previous hash + "\n" +
 * the event's stored JSON). Shared by every storage adapter's `appendAuditEvents`.
 */
import { createHash } from 'node:crypto';
import type { StorageTx, VersionWrite } from '../storage-port.js';

export const chainHash = (previous: string, json: string): string => createHash('sha256').update(previous).update('\n').update(json).digest('hex');

/** Writes the events (version 1) and appends their links after the chain's current head, in order. */
export async function appendChained(tx: StorageTx, events: VersionWrite[]): Promise<void> {
  let head = await tx.auditChainHead();
  for (const event of events) {
    await tx.writeVersion(event);
    head = chainHash(head, event.json);
    await tx.appendAuditChain(event.id, head);
  }
}

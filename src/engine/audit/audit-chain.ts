/**
 * The tamper-evident audit chain: each AuditEvent's link stores sha256(previous hash + "\n" +
 * the event's stored JSON). Shared by every storage adapter's `appendAuditEvents`.
 */
import { createHash } from 'node:crypto';
import type { StorageTx, VersionWrite } from '../storage-port.js';

export const chainHash = (previous: string, json: string): string => createHash('sha256').update(previous).update('\n').update(json).digest('hex');

/**
 * Writes the events (version 1, new ids) and appends their links after the chain's current head,
 * in order. Through the bulk write path (`importVersions`, `importAuditChain`): the events are
 * new resources no one else writes, and the head's lock (`auditChainHead`) orders the links.
 */
export async function appendChained(tx: StorageTx, events: VersionWrite[]): Promise<void> {
  let head = await tx.auditChainHead();
  await tx.importVersions(events.map((e) => ({ deleted: false as const, ...e })));
  const links = events.map((e) => {
    head = chainHash(head, e.json);
    return { eventId: e.id, hash: head };
  });
  await tx.importAuditChain(links);
}

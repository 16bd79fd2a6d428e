/**
 * Writes AuditEvents in the background, in batches, chained into a tamper-evident log: each
 * link's hash is sha256(previous hash + the event's stored JSON, see audit-chain.ts). Audit writes
 * never fail the request they describe, and delay it only while the backlog is over its bound; a
 * failure to write is logged (without patient data).
 */
import type { ResourceIndexer } from '../engine-deps.js';
import { newId, instant } from '../resource-ids.js';
import type { Storage, VersionWrite } from '../storage-port.js';
import { compartmentOf } from '../access/compartment.js';
import { finalizeJson } from '../write/prepare.js';

export interface AuditLogger {
  error(obj: object, msg: string): void;
}

/** Events wait this long to be written together (one batch, one database transaction)… */
const BATCH_DELAY_MS = 20;
/** …unless this many are pending. */
const BATCH_SIZE = 500;
/**
 * Beyond this many events waiting, requests wait for the audit log to catch up (`whenCaughtUp`)
 * before they are answered: memory stays bounded and no event is dropped when the database
 * writes AuditEvents more slowly than requests produce them.
 */
const MAX_BACKLOG = 20_000;

export class Auditor {
  private pending: Array<Record<string, unknown>> = [];
  private flushing: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private backlogWaiters: Array<() => void> = [];

  constructor(
    private readonly storage: Storage,
    private readonly indexer: ResourceIndexer,
    private readonly clock: () => number,
    private readonly log: AuditLogger,
    /** False: nothing is recorded (CDL_AUDIT=false, benchmark comparisons only). */
    readonly enabled = true,
  ) {}

  /** Queues AuditEvents (not yet stored) for writing. */
  record(events: Array<Record<string, unknown>>): void {
    if (!this.enabled || events.length === 0) return;
    this.pending.push(...events);
    this.flushing ??= this.delay().then(() => this.flush());
    if (this.pending.length >= BATCH_SIZE) this.wakeUp?.();
  }

  /** Resolves at once while the backlog is under its bound, else once it is back under half of it. */
  whenCaughtUp(): Promise<void> | undefined {
    if (this.pending.length <= MAX_BACKLOG) return undefined;
    this.wakeUp?.();
    return new Promise<void>((resolve) => this.backlogWaiters.push(resolve));
  }

  private releaseBacklog(): void {
    if (this.backlogWaiters.length === 0 || this.pending.length > MAX_BACKLOG / 2) return;
    const waiters = this.backlogWaiters;
    this.backlogWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when every event queued so far is stored. */
  async drain(): Promise<void> {
    while (this.flushing) {
      this.wakeUp?.();
      await this.flushing;
    }
  }

  private delay(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), BATCH_DELAY_MS);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, BATCH_SIZE);
        const lastUpdated = this.clock();
        const stamp = instant(lastUpdated);
        const writes: VersionWrite[] = batch.map((event) => {
          const id = newId(lastUpdated);
          event.id = id;
          const json = finalizeJson(event, 1, stamp);
          event.meta = { versionId: '1', lastUpdated: stamp };
          return {
            type: 'AuditEvent',
            id,
            version: 1,
            lastUpdated,
            method: 'POST',
            json,
            index: this.indexer.extract(event),
            links: [],
            patientId: compartmentOf(event).patientId,
            labelMask: 0,
            memberships: [],
          };
        });
        await this.storage.appendAuditEvents(writes);
        this.releaseBacklog();
      }
    } catch (e) {
      this.log.error({ err: { type: (e as Error).name, message: (e as Error).message } }, 'audit write failed');
    } finally {
      this.flushing = undefined;
      if (this.pending.length === 0) this.releaseBacklog();
      if (this.pending.length > 0) this.flushing = this.delay().then(() => this.flush());
    }
  }
}

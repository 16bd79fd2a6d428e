/**
 * Group commit for a single SQLite write connection: units of work queued during one turn of the
 * event loop run in one database transaction (each inside its own savepoint, so a failing unit
 * rolls back alone) and share one COMMIT. A unit's promise settles only after the commit and, for
 * a durable unit, after the write-ahead log holding it is on stable storage.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { WalSync } from './wal-sync.js';

interface Unit {
  fn: () => Promise<unknown>;
  durable: boolean;
  /** Runs alone, outside any transaction of this connection (another connection writes meanwhile). */
  exclusive?: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Unit[] = [];
  private scheduled = false;
  private running = false;
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;
  private readonly savepoint: BetterSqlite3.Statement;
  private readonly release: BetterSqlite3.Statement;
  private readonly rollbackTo: BetterSqlite3.Statement;
  private idleWaiters: Array<() => void> = [];

  /**
   * `walSync`: when given, the connection commits with synchronous=NORMAL and a durable unit
   * settles only after the WAL is synced (off the event loop); meanwhile the next batch may
   * already run. Without it, COMMIT itself is as durable as the connection's PRAGMA synchronous.
   */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly maxBatch: number,
    private readonly walSync?: WalSync,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT unit');
    this.release = db.prepare('RELEASE unit');
    this.rollbackTo = db.prepare('ROLLBACK TO unit');
  }

  /** Queues a unit; a `durable: false` unit settles as soon as its batch is committed, before any WAL sync. */
  run<T>(fn: () => Promise<T>, durable = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, durable, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Queues work that writes through another connection (the audit worker's): it starts when no
   * batch is running, and no batch starts until it settles, so the two connections never wait
   * on SQLite's write lock. The event loop is free meanwhile; units queued then form the next batch.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, durable: false, exclusive: true, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued unit has been committed or rejected, and its WAL sync is done. */
  async drain(): Promise<void> {
    if (this.running || this.scheduled || this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.walSync?.idle();
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    if (this.queue[0]?.exclusive) return this.runExclusive(this.queue.shift()!);
    const stop = this.queue.findIndex((u) => u.exclusive);
    const batch = this.queue.splice(0, stop < 0 ? this.maxBatch : Math.min(stop, this.maxBatch));
    const outcomes: Outcome[] = [];
    let commitError: unknown;
    try {
      this.begin.run();
      for (const unit of batch) {
        this.savepoint.run();
        try {
          const value = await unit.fn();
          this.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.commit.run();
    } catch (error) {
      commitError = error;
      if (this.db.inTransaction) this.rollback.run();
    }
    this.running = false;
    const needsSync = commitError === undefined && this.walSync !== undefined && batch.some((u, i) => u.durable && outcomes[i]?.ok);
    const synced = needsSync ? this.walSync!.sync() : undefined;
    batch.forEach((unit, i) => {
      const o = outcomes[i];
      if (commitError !== undefined) unit.reject(commitError);
      else if (!o?.ok) unit.reject(o?.error);
      else if (synced && unit.durable) synced.then(() => unit.resolve(o.value), (e: unknown) => unit.reject(e));
      else unit.resolve(o.value);
    });
    this.next();
  }

  private async runExclusive(unit: Unit): Promise<void> {
    try {
      unit.resolve(await unit.fn());
    } catch (error) {
      unit.reject(error);
    }
    this.running = false;
    this.next();
  }

  private next(): void {
    if (this.queue.length > 0) this.schedule();
    else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

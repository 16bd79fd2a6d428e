/**
 * Group commit for a single SQLite write connection: units of work queued during one turn of the
 * event loop run in one database transaction (each inside its own savepoint, so a failing unit
 * rolls back alone) and share one durable COMMIT. A unit's promise settles only after the commit.
 */
import type BetterSqlite3 from 'better-sqlite3';

interface Unit {
  fn: () => Promise<unknown>;
  durable: boolean;
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

  /** SQLite applies PRAGMA setters while compiling them: they are executed afresh, never prepared. */
  private readonly relaxSync: string | undefined;
  private readonly restoreSync: string | undefined;

  /** `synchronous`: the connection's configured PRAGMA synchronous (restored after relaxed batches). */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly maxBatch: number,
    synchronous: string = 'FULL',
  ) {
    const strict = synchronous === 'FULL' || synchronous === 'EXTRA';
    this.relaxSync = strict ? 'PRAGMA synchronous = NORMAL' : undefined;
    this.restoreSync = strict ? `PRAGMA synchronous = ${synchronous}` : undefined;
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT unit');
    this.release = db.prepare('RELEASE unit');
    this.rollbackTo = db.prepare('ROLLBACK TO unit');
  }

  /** Queues a unit; `durable: false` units alone in a batch commit without waiting for fsync. */
  run<T>(fn: () => Promise<T>, durable = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, durable, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued unit has been committed or rejected. */
  drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes: Outcome[] = [];
    let commitError: unknown;
    // WAL frames are written at every commit: a relaxed commit survives a process crash, and the
    // next durable commit's fsync covers it.
    const relaxed = this.relaxSync !== undefined && batch.every((u) => !u.durable);
    try {
      if (relaxed) this.db.exec(this.relaxSync!);
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
    if (relaxed) this.db.exec(this.restoreSync!);
    this.running = false;
    batch.forEach((unit, i) => {
      const o = outcomes[i];
      if (commitError !== undefined) unit.reject(commitError);
      else if (o?.ok) unit.resolve(o.value);
      else unit.reject(o?.error);
    });
    if (this.queue.length > 0) this.schedule();
    else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

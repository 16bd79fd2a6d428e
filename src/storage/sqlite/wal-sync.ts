/**
 * Makes the SQLite write-ahead log durable off the event loop. The write connection commits with
 * `synchronous=NORMAL` (the commit writes its WAL frames but does not wait for the disk); durable
 * units are acknowledged only after an `fdatasync` of the WAL file, which runs in libuv's thread
 * pool while the event loop goes on serving requests. Concurrent callers share one fdatasync;
 * a caller arriving while one is in flight waits for the next, because the running one may have
 * started before its frames were written.
 *
 * Why this is as safe as `synchronous=FULL` for acknowledged writes: the WAL is appended in commit
 * order, so one fdatasync covers every commit written before it started; SQLite itself syncs the
 * WAL before any checkpoint copies frames into the database file (also in NORMAL mode), and the
 * WAL file is never unlinked while a connection is open. What differs: other connections may read
 * a commit during the fraction of a millisecond before its fdatasync completes.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';

export type FileSync = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

export class WalSync {
  private readonly fd: number;
  private inFlight = false;
  /** Callers for the next sync (the one in flight may have started before their frames). */
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  /** `walFile`: the database's `-wal` file, which must exist (the connection is in WAL mode). */
  constructor(
    walFile: string,
    private readonly syncFile: FileSync = fdatasync,
  ) {
    // Created when missing (SQLite treats an empty WAL file as an empty log); never written here.
    this.fd = openSync(walFile, 'a');
  }

  /** Resolves once everything written to the WAL before this call is on stable storage. */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('WAL sync is closed'));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.inFlight) this.start();
    });
  }

  /** Resolves once no sync is in flight or waiting (failed ones included). */
  idle(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private start(): void {
    this.inFlight = true;
    const covered = this.waiting;
    this.waiting = [];
    this.syncFile(this.fd, (error) => {
      this.inFlight = false;
      for (const w of covered) {
        if (error) w.reject(error);
        else w.resolve();
      }
      if (this.waiting.length > 0) return this.start();
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of idle) w();
    });
  }

  /** Waits for the syncs in flight or waiting, then closes the file. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    closeSync(this.fd);
  }
}

/** The PRAGMAs of every SQLite connection that writes (the group-commit one and the audit writer's). */
import type BetterSqlite3 from 'better-sqlite3';

/** How often (WAL pages) a committing connection checkpoints: every 64 MiB. */
const WAL_AUTOCHECKPOINT_PAGES = 16384;

export function configureWriter(db: BetterSqlite3.Database, o: { synchronous: 'NORMAL' | 'EXTRA'; cacheMiB: number }): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${o.synchronous}`);
  db.pragma(`cache_size = ${-1024 * o.cacheMiB}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  // Each group-commit unit runs in a savepoint, whose statement journal keeps the original of
  // every page the unit changes. On disk that is a 4 KiB write syscall per page (most of the
  // system time of a write); in memory it costs nothing and is never needed after a crash.
  db.pragma('temp_store = MEMORY');
}

/**
 * Opens the storage the configuration names: PostgreSQL when `databaseUrl` is a `postgres://` or
 * `postgresql://` URL, else the embedded SQLite database in `dataDir` (the default).
 * Asynchronous because PostgreSQL connects and migrates before serving.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from '../engine/storage-port.js';
import { isPostgresUrl } from './database-config.js';
import { SqliteStorage, type SqliteSynchronous } from './sqlite/sqlite-storage.js';

export interface StorageConfig {
  databaseUrl?: string;
  /** PostgreSQL schema (default `public`). */
  databaseSchema?: string;
  /** PostgreSQL connections per node (default 20). */
  databasePoolSize?: number;
  /** Called with errors of idle PostgreSQL connections (logged; the pool replaces them). */
  onIdleError?: (e: Error) => void;
  /** Directory of the SQLite database (`cdl.sqlite`). */
  dataDir: string;
  sqlite: { synchronous: SqliteSynchronous; cacheMiB: number };
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (config.databaseUrl !== undefined && isPostgresUrl(config.databaseUrl)) {
    // Loaded only when used: the pg driver is a noticeable part of an SQLite server's start-up.
    const { PostgresStorage } = await import('./postgres/postgres-storage.js');
    return PostgresStorage.open({
      connectionString: config.databaseUrl,
      schema: config.databaseSchema ?? 'public',
      ...(config.databasePoolSize !== undefined ? { poolSize: config.databasePoolSize } : {}),
      ...(config.onIdleError ? { onIdleError: config.onIdleError } : {}),
    });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteStorage.open({
    file: join(config.dataDir, 'cdl.sqlite'),
    synchronous: config.sqlite.synchronous,
    cacheMiB: config.sqlite.cacheMiB,
  });
}

/** True when an error means "the database is unavailable right now" (HTTP 503 + Retry-After). */
export { isUnavailableError } from './postgres/errors.js';

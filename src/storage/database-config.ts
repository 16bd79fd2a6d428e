/**
 * Which database the server uses, read from the environment (a pure function, documented in the
 * README): `CDL_DATABASE_URL=postgres://…` selects PostgreSQL, with its tables in
 * `CDL_DATABASE_SCHEMA` (default `public`) and at most `CDL_DATABASE_POOL_SIZE` connections per
 * node; unset, the embedded SQLite database in CDL_DATA_DIR is used.
 */

export interface DatabaseConfig {
  /** PostgreSQL connection string; undefined = SQLite. */
  databaseUrl?: string;
  /** PostgreSQL schema (default `public`). */
  databaseSchema: string;
  /** PostgreSQL connections per node (default 20). */
  databasePoolSize: number;
}

type Env = Record<string, string | undefined>;

export const isPostgresUrl = (url: string | undefined): boolean => url !== undefined && /^postgres(ql)?:\/\//i.test(url);

export function loadDatabaseConfig(env: Env): DatabaseConfig {
  const url = env.CDL_DATABASE_URL?.trim();
  const schema = env.CDL_DATABASE_SCHEMA?.trim() || 'public';
  const rawPool = env.CDL_DATABASE_POOL_SIZE?.trim();
  const pool = rawPool ? Number(rawPool) : 20;
  if (url && !isPostgresUrl(url)) throw new Error(`CDL_DATABASE_URL must start with postgres:// or postgresql:// (got '${url.replace(/\/\/[^@/]*@/, '//…@')}')`);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`CDL_DATABASE_SCHEMA must be a plain lower-case identifier (got '${schema}')`);
  if (!Number.isInteger(pool) || pool < 1) throw new Error(`CDL_DATABASE_POOL_SIZE must be an integer >= 1 (got '${rawPool}')`);
  const config: DatabaseConfig = { databaseSchema: schema, databasePoolSize: pool };
  if (url) config.databaseUrl = url;
  return config;
}

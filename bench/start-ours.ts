/** Starts ours on the backend asked for: SQLite (one process) or PostgreSQL (one or more processes). */
import { backendKey, type Backend } from './backend.js';
import { startOursOnPostgres } from './postgres-nodes.js';
import { startOursOnSqlite, type BenchServer, type ServerName } from './servers.js';

export interface OursOptions {
  backend: Backend;
  /** PostgreSQL connection string (for `postgres` backends). */
  databaseUrl: string;
  /** The Authorization header to send; default: a system token of ours' development issuer. */
  authorization?: string;
  /** Name in the results: `ours` beside the peer, the backend key when backends are compared. */
  name?: ServerName;
}

export function startOurs(o: OursOptions): Promise<BenchServer> {
  const name = o.name ?? backendKey(o.backend);
  if (o.backend.kind === 'sqlite') return startOursOnSqlite(o.authorization, name);
  return startOursOnPostgres({ nodes: o.backend.nodes, databaseUrl: o.databaseUrl, name, ...(o.authorization ? { authorization: o.authorization } : {}) });
}

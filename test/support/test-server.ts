/** Starts a real listening server on a random port with a fresh data directory, for HTTP tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createServer, type Server, type ServerParts } from '../../src/server/compose.js';
import Database from 'better-sqlite3';
import { dropSchema, freshSchemaName, runSql } from '../../src/storage/postgres/test-schema.js';
import type { MintOptions } from '../../src/security/dev-issuer.js';

export interface FhirResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  base: string;
  dataDir: string;
  /** The environment that points a CLI (`npm run audit:verify`, export…) at this server's database. */
  storageEnv: Record<string, string>;
  server: Server;
  /** Sends a request with a system token (`system/*.cruds`) unless `headers` carry an authorization. */
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<FhirResult<T>>;
  /** `fetch` with the system token (for raw bodies). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** Runs one SQL statement (`?` markers) directly on this server's database (SQLite or PostgreSQL), for tests that tamper with storage. */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** A token from the server's development issuer. */
  token(options: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export async function request<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<FhirResult<T>> {
  const init: RequestInit = { method, headers: { accept: 'application/fhir+json', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      (init.headers as Record<string, string>)['content-type'] = 'application/fhir+json';
    }
  }
  const res = await fetch(`${base}${path.startsWith('/') ? path : `/${path}`}`, init);
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== '' && /json/.test(res.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** `parts` replaces parts of the composition (e.g. the Binary store); the logger stays silent unless CDL_TEST_LOG. */
export async function startTestServer(env: Record<string, string> = {}, parts: Omit<ServerParts, 'logger'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdl-test-'));
  // CDL_TEST_DATABASE_URL runs the server on PostgreSQL, in a fresh schema dropped by close().
  const pgUrl = process.env.CDL_TEST_DATABASE_URL;
  const schema = pgUrl ? freshSchemaName() : undefined;
  const database: Record<string, string> = pgUrl && schema ? { CDL_DATABASE_URL: pgUrl, CDL_DATABASE_SCHEMA: schema } : {};
  const config: Config = loadConfig({ CDL_DATA_DIR: dataDir, CDL_LOG_LEVEL: 'silent', CDL_RATE_LIMIT: '0', ...database, ...env });
  const server = await createServer(config, { ...parts, logger: pino({ level: process.env.CDL_TEST_LOG ?? 'silent' }) });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}/fhir`;
  const systemToken = server.devIssuer ? await server.devIssuer.mintToken({ scope: 'system/*.cruds', clientId: 'test-suite' }) : undefined;
  return {
    base,
    dataDir,
    storageEnv: { CDL_DATA_DIR: dataDir, ...database },
    server,
    request: async (method, path, body, headers = {}) => {
      const auth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
      return request(base, method, path, body, auth || !systemToken ? headers : { authorization: `Bearer ${systemToken}`, ...headers });
    },
    fetch: (url, init = {}) =>
      fetch(url, { ...init, headers: { ...(systemToken ? { authorization: `Bearer ${systemToken}` } : {}), ...(init.headers as Record<string, string> | undefined) } }),
    sql: async <R>(text: string, params: unknown[] = []): Promise<R[]> => {
      if (pgUrl && schema) return runSql<R>(pgUrl, schema, text, params);
      const db = new Database(join(dataDir, 'cdl.sqlite'));
      try {
        const st = db.prepare(text);
        return st.reader ? (st.all(...params) as R[]) : (st.run(...params), []);
      } finally {
        db.close();
      }
    },
    token: (options) => {
      if (!server.devIssuer) throw new Error('this test server has no development issuer');
      return server.devIssuer.mintToken(options);
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (pgUrl && schema) await dropSchema(pgUrl, schema);
    },
  };
}

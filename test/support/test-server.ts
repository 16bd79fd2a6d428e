/** Starts a real listening server on a random port with a fresh data directory, for HTTP tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/server/config.js';
import { createServer, type Server } from '../../src/server/compose.js';

export interface FhirResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  base: string;
  dataDir: string;
  server: Server;
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<FhirResult<T>>;
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

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cdl-test-'));
  const config: Config = loadConfig({ CDL_DATA_DIR: dataDir, CDL_LOG_LEVEL: 'silent', ...env });
  const server = createServer(config, { logger: pino({ level: process.env.CDL_TEST_LOG ?? 'silent' }) });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}/fhir`;
  return {
    base,
    dataDir,
    server,
    request: (method, path, body, headers) => request(base, method, path, body, headers),
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

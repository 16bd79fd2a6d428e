/**
 * The composition root: builds every adapter from the configuration and wires them together.
 * Nothing else in the code base reaches for configuration or a database on its own.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { DatabaseBinaryStore, type BinaryStore } from '../engine/binary-store.js';
import { Engine } from '../engine/engine.js';
import type { ResourceIndexer, ResourceValidator } from '../engine/engine-deps.js';
import type { Storage } from '../engine/storage-port.js';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../fhir/definitions/load.js';
import type { Definitions } from '../fhir/definitions/model.js';
import { restrictSearchParams } from '../fhir/definitions/restrict.js';
import { createIndexer } from '../fhir/search/indexer.js';
import { openDevIssuer, type DevIssuer } from '../security/dev-issuer.js';
import type { Principal } from '../security/principal.js';
import { smartConfigurationFor } from '../security/smart-configuration.js';
import { createTokenVerifier } from '../security/token-verifier.js';
import { openStorage } from '../storage/open-storage.js';
import type { Config } from './config.js';
import { buildHttpApp } from './http-app.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { createResourceValidator } from './resource-validator.js';

export interface Server {
  app: FastifyInstance;
  engine: Engine;
  storage: Storage;
  logger: Logger;
  /** The embedded development issuer, when no external issuer is configured. */
  devIssuer?: DevIssuer;
  /** Stops accepting requests, lets in-flight ones finish, writes pending audit, closes the database. */
  close(): Promise<void>;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'cahier-de-liaison' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * Server-written audit resources are indexed for the searches auditors need, not for every R4
 * parameter: they are written on every interaction, so each index row counts.
 */
export const AUDIT_SEARCH_PARAMS = {
  AuditEvent: ['action', 'agent', 'date', 'entity', 'outcome', 'patient', 'source', 'subtype', 'type'],
  Provenance: ['agent', 'agent-type', 'patient', 'recorded', 'target'],
} as const;

/**
 * Where Binary bytes live. The database store (same transaction as the version) is the only one
 * today; an object store (S3-compatible) would be chosen here from the configuration.
 */
export function createBinaryStore(_config: Config): BinaryStore {
  return new DatabaseBinaryStore();
}

export interface ServerParts {
  logger?: Logger;
  defs?: Definitions;
  /** Where Binary bytes live, instead of `createBinaryStore(config)` (tests plug an object store here). */
  binaries?: BinaryStore;
}

async function authenticator(config: Config, logger: Logger): Promise<{ authenticate: (h: string | undefined) => Promise<Principal | undefined>; devIssuer?: DevIssuer }> {
  for (const w of config.auth.warnings) logger.warn(w);
  if (config.auth.mode === 'disabled') return { authenticate: async () => undefined };
  const devIssuer = config.auth.mode === 'dev-issuer' ? await openDevIssuer({ dataDir: config.dataDir }) : undefined;
  const issuers = config.auth.mode === 'issuers' ? config.auth.issuers : [devIssuer!.issuerConfig()];
  const verifier = createTokenVerifier({ issuers, clockToleranceSeconds: config.auth.clockToleranceSeconds });
  const cache = new VerifiedTokenCache((h) => verifier.verify(h));
  const out: { authenticate: (h: string | undefined) => Promise<Principal | undefined>; devIssuer?: DevIssuer } = {
    authenticate: (h) => cache.authenticate(h),
  };
  if (devIssuer) out.devIssuer = devIssuer;
  return out;
}

export async function createServer(config: Config, parts: ServerParts = {}): Promise<Server> {
  const logger = parts.logger ?? createLogger(config.logLevel);
  const defs = restrictSearchParams(parts.defs ?? loadDefinitions(defaultDefinitionsCacheDir()), AUDIT_SEARCH_PARAMS);
  for (const t of config.resourceTypes) {
    if (defs.types[t]?.kind !== 'resource') throw new Error(`CDL_RESOURCE_TYPES names '${t}', which is not an R4 resource type`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const storage = await openStorage({
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : {}),
    databaseSchema: config.databaseSchema,
    databasePoolSize: config.databasePoolSize,
    onIdleError: (e) => logger.warn({ err: { type: e.name, message: e.message } }, 'database connection lost (idle); the pool reconnects'),
    dataDir: config.dataDir,
    sqlite: { synchronous: config.sqliteSynchronous, cacheMiB: config.sqliteCacheMiB },
  });
  const indexer = createIndexer(defs, config.resourceTypes);
  const resourceIndexer: ResourceIndexer = { extract: (r) => indexer.extract(r as { resourceType: string }) };
  const validator: ResourceValidator = createResourceValidator(defs);
  const engine = new Engine(
    {
      storage,
      binaries: parts.binaries ?? createBinaryStore(config),
      defs,
      validator,
      indexer: resourceIndexer,
      clock: Date.now,
      options: {
        resourceTypes: config.resourceTypes,
        inlineAttachmentMaxBytes: config.inlineAttachmentMaxBytes,
        defaultCount: config.defaultCount,
        maxCount: config.maxCount,
        maxBundleEntries: config.maxBundleEntries,
      },
    },
    {
      capability: {
        software: { name: 'cahier-de-liaison', version: packageVersion() },
        oauth: {
          ...(config.auth.endpoints.authorization ? { authorize: config.auth.endpoints.authorization } : {}),
          ...(config.auth.endpoints.token ? { token: config.auth.endpoints.token } : {}),
        },
      },
      auditLog: logger,
      audit: config.audit,
    },
  );
  const auth = await authenticator(config, logger);
  const smartConfiguration = smartConfigurationFor(config.auth, { resourceTypes: config.resourceTypes });
  const app = buildHttpApp({ engine, config, logger, ready: () => storage.ping(), authenticate: auth.authenticate, smartConfiguration });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Connections busy when closing starts become idle once answered: close them as they do.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      await engine.auditor.drain();
      await storage.close();
    })();
    return closing;
  };
  const server: Server = { app, engine, storage, logger, close };
  if (auth.devIssuer) server.devIssuer = auth.devIssuer;
  return server;
}

/** Server configuration, read from environment variables (documented in the README). */
import { resolve } from 'node:path';
import type { SqliteSynchronous } from '../storage/sqlite/sqlite-storage.js';
import { loadDatabaseConfig, type DatabaseConfig } from '../storage/database-config.js';
import { readAuthConfig, type AuthConfig } from '../security/auth-config.js';
import { tlsOptions, type TlsServerOptions } from '../security/tls.js';

export const DEFAULT_RESOURCE_TYPES = [
  'DocumentReference',
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'RelatedPerson',
  'Organization',
  'Device',
  'Binary',
  'CareTeam',
  'Provenance',
  'AuditEvent',
];

export interface Config extends DatabaseConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Public FHIR base URL; derived from each request's Host when unset. */
  baseUrl?: string;
  trustProxy: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  maxJsonDepth: number;
  /** Maximum number of JSON values in a request body (413 beyond). */
  maxJsonValues: number;
  resourceTypes: string[];
  inlineAttachmentMaxBytes: number;
  defaultCount: number;
  maxCount: number;
  maxBundleEntries: number;
  sqliteSynchronous: SqliteSynchronous;
  sqliteCacheMiB: number;
  shutdownTimeoutMs: number;
  auth: AuthConfig;
  /** HTTPS (and mutual TLS) options; undefined = plain HTTP. */
  tls?: TlsServerOptions;
  /** Requests per second allowed per client (token subject, else address), with a burst; 0 = no limit. */
  rateLimit: { perSecond: number; burst: number };
  /** Write AuditEvents for every interaction. */
  audit: boolean;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min} (got '${raw}')`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.toUpperCase() as T;
  if (!allowed.includes(v)) throw new Error(`${name} must be one of ${allowed.join(', ')} (got '${raw}')`);
  return v;
}

export function loadConfig(env: Env = process.env): Config {
  const baseUrl = env.CDL_BASE_URL?.replace(/\/+$/, '');
  const types = env.CDL_RESOURCE_TYPES?.split(',').map((s) => s.trim()).filter(Boolean);
  const config: Config = {
    port: int(env, 'PORT', 8080),
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(env.CDL_DATA_DIR ?? './data'),
    trustProxy: env.CDL_TRUST_PROXY === 'true',
    logLevel: env.CDL_LOG_LEVEL ?? 'info',
    bodyLimitBytes: int(env, 'CDL_BODY_LIMIT', 16 * 1024 * 1024, 1024),
    maxJsonDepth: int(env, 'CDL_MAX_JSON_DEPTH', 64, 8),
    maxJsonValues: int(env, 'CDL_MAX_JSON_VALUES', 100_000, 100),
    resourceTypes: types && types.length > 0 ? types : DEFAULT_RESOURCE_TYPES,
    inlineAttachmentMaxBytes: int(env, 'CDL_ATTACHMENT_INLINE_MAX', 64 * 1024),
    defaultCount: int(env, 'CDL_DEFAULT_COUNT', 20, 1),
    maxCount: int(env, 'CDL_MAX_COUNT', 1000, 1),
    maxBundleEntries: int(env, 'CDL_MAX_BUNDLE_ENTRIES', 1000, 1),
    sqliteSynchronous: oneOf(env, 'CDL_SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL', 'EXTRA'] as const, 'FULL'),
    sqliteCacheMiB: int(env, 'CDL_SQLITE_CACHE_MIB', 64, 1),
    shutdownTimeoutMs: int(env, 'CDL_SHUTDOWN_TIMEOUT_MS', 10000, 0),
    ...loadDatabaseConfig(env),
    auth: readAuthConfig(env),
    rateLimit: { perSecond: int(env, 'CDL_RATE_LIMIT', 200, 0), burst: int(env, 'CDL_RATE_BURST', 400, 1) },
    audit: env.CDL_AUDIT !== 'false',
  };
  if (baseUrl) config.baseUrl = baseUrl;
  const tls = tlsOptions(env);
  if (tls) config.tls = tls;
  return config;
}

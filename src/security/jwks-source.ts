/**
 * Where an issuer's public keys come from: a JWKS URL (fetched, cached, re-fetched for an unknown
 * `kid` — key rotation) or a JWKS file (re-read when it changes). Both give jose a key resolver.
 */
import { readFileSync, statSync } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export type JwksLocation = { kind: 'remote'; url: URL } | { kind: 'file'; path: string };

export interface JwksSourceOptions {
  /** Remote: minimum delay between two fetches triggered by an unknown `kid` (default 30 000 ms). */
  cooldownMs?: number;
  /** Remote: maximum age of the cached key set (default 600 000 ms). */
  cacheMaxAgeMs?: number;
  /** Remote: HTTP timeout (default 5 000 ms). */
  timeoutMs?: number;
  /** File: how often the file's modification time is checked (default 1 000 ms; 0 = on every token). */
  fileCheckIntervalMs?: number;
}

export interface JwksSource {
  location: JwksLocation;
  getKey: JWTVerifyGetKey;
}

/** The keys could not be obtained (network, HTTP status, unparsable JWKS): a server-side condition. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('JWKS unavailable', { cause });
    this.name = 'KeysUnavailableError';
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Classifies a JWKS setting: `https://…` (or `http://` to a loopback host only) is remote,
 * `file://…` or anything else is a file path (relative to the working directory). Throws an Error
 * with a precise message for an unusable value.
 */
export function jwksLocation(value: string, cwd: string = process.cwd()): JwksLocation {
  const v = value.trim();
  if (v === '') throw new Error('JWKS location is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new Error(`JWKS location '${v}' is not a valid URL`);
    }
    if (url.protocol === 'file:') return { kind: 'file', path: fileURLToPath(url) };
    if (url.protocol === 'https:') return { kind: 'remote', url };
    if (url.protocol === 'http:') {
      if (LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname)) return { kind: 'remote', url };
      throw new Error(`JWKS URL '${v}' must use https (plain http is accepted only for localhost)`);
    }
    throw new Error(`JWKS URL '${v}' must use https`);
  }
  return { kind: 'file', path: isAbsolute(v) ? v : resolve(cwd, v) };
}

function parseJwks(text: string, path: string): JSONWebKeySet {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`JWKS file ${path} is not valid JSON`);
  }
  const keys = (json as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`JWKS file ${path} has no "keys" array with at least one key`);
  for (const k of keys) {
    if (typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string') {
      throw new Error(`JWKS file ${path} holds a key without "kty"`);
    }
    if ('d' in k || (k as { kty: string }).kty === 'oct') throw new Error(`JWKS file ${path} must hold public keys only`);
  }
  return json as JSONWebKeySet;
}

/** Reads and checks a JWKS file synchronously (used at start-up, so configuration errors surface early). */
export function readJwksFile(path: string): JSONWebKeySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`JWKS file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseJwks(text, path);
}

function fileSource(path: string, options: JwksSourceOptions): JWTVerifyGetKey {
  const interval = options.fileCheckIntervalMs ?? 1000;
  const signatureOf = (st: { ino: number; size: number; mtimeMs: number }) => `${st.ino}:${st.size}:${st.mtimeMs}`;
  let signature = '';
  try {
    signature = signatureOf(statSync(path));
  } catch {
    // reported by readJwksFile just below
  }
  let keySet = createLocalJWKSet(readJwksFile(path));
  let lastCheck = Date.now();
  let checking: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    lastCheck = Date.now();
    try {
      const st = await stat(path);
      const sig = signatureOf(st);
      if (sig === signature) return;
      const next = createLocalJWKSet(parseJwks(await readFile(path, 'utf8'), path));
      keySet = next;
      signature = sig;
    } catch {
      // Unreadable or half-written file: keep the last good key set.
    }
  };
  return async (header, token) => {
    if (Date.now() - lastCheck >= interval) {
      checking ??= refresh().finally(() => (checking = undefined));
      await checking;
    }
    return keySet(header, token);
  };
}

function remoteSource(url: URL, options: JwksSourceOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (e) {
      if (
        e instanceof joseErrors.JWKSNoMatchingKey ||
        e instanceof joseErrors.JWKSMultipleMatchingKeys ||
        e instanceof joseErrors.JOSENotSupported
      ) {
        throw e;
      }
      throw new KeysUnavailableError(e);
    }
  };
}

/** Builds the key resolver for a JWKS location (a string is classified with {@link jwksLocation}). */
export function createJwksSource(location: string | JwksLocation, options: JwksSourceOptions = {}): JwksSource {
  const loc = typeof location === 'string' ? jwksLocation(location) : location;
  return { location: loc, getKey: loc.kind === 'remote' ? remoteSource(loc.url, options) : fileSource(loc.path, options) };
}

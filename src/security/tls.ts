/**
 * HTTPS settings from environment variables:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `CDL_TLS_CERT` | unset (plain HTTP) | PEM certificate chain file of the server |
 * | `CDL_TLS_KEY` | unset | PEM private key file of the server (unencrypted) |
 * | `CDL_TLS_CLIENT_CA` | unset | PEM CA bundle: clients must present a certificate signed by it (mutual TLS) |
 *
 * TLS 1.2 is the minimum version (1.3 preferred by negotiation); Node's default cipher list applies.
 * The result is passed to `https.createServer` (or fastify's `https` option).
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import { createSecureContext, type TLSSocket } from 'node:tls';

type Env = Record<string, string | undefined>;

export interface TlsServerOptions extends ServerOptions {
  cert: Buffer;
  key: Buffer;
  minVersion: 'TLSv1.2';
  ca?: Buffer;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
}

function pemFile(env: Env, name: string, marker: RegExp, readFile: (path: string) => Buffer): Buffer {
  const path = env[name]!.trim();
  let pem: Buffer;
  try {
    pem = readFile(path);
  } catch (e) {
    throw new Error(`${name}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!marker.test(pem.toString('latin1'))) throw new Error(`${name}: ${path} is not a PEM file of the expected kind`);
  return pem;
}

/**
 * HTTPS server options, or undefined when `CDL_TLS_CERT`/`CDL_TLS_KEY` are unset (plain HTTP).
 * Throws an Error naming the variable for a missing, unreadable or mismatched file.
 */
export function tlsOptions(env: Env = process.env, readFile: (path: string) => Buffer = (p) => readFileSync(p)): TlsServerOptions | undefined {
  const set = (name: string) => env[name] !== undefined && env[name]!.trim() !== '';
  if (!set('CDL_TLS_CERT') && !set('CDL_TLS_KEY')) {
    if (set('CDL_TLS_CLIENT_CA')) throw new Error('CDL_TLS_CLIENT_CA requires CDL_TLS_CERT and CDL_TLS_KEY (mutual TLS needs HTTPS)');
    return undefined;
  }
  if (!set('CDL_TLS_CERT')) throw new Error('CDL_TLS_KEY is set but CDL_TLS_CERT is not; both are needed for HTTPS');
  if (!set('CDL_TLS_KEY')) throw new Error('CDL_TLS_CERT is set but CDL_TLS_KEY is not; both are needed for HTTPS');
  const options: TlsServerOptions = {
    cert: pemFile(env, 'CDL_TLS_CERT', /-----BEGIN CERTIFICATE-----/, readFile),
    key: pemFile(env, 'CDL_TLS_KEY', /-----BEGIN (RSA |EC )?PRIVATE KEY-----/, readFile),
    minVersion: 'TLSv1.2',
  };
  if (set('CDL_TLS_CLIENT_CA')) {
    options.ca = pemFile(env, 'CDL_TLS_CLIENT_CA', /-----BEGIN CERTIFICATE-----/, readFile);
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  try {
    createSecureContext(options);
  } catch (e) {
    const reason = /key values mismatch/i.test((e as Error).message) ? 'the key does not match the certificate' : (e as Error).message;
    throw new Error(`CDL_TLS_CERT/CDL_TLS_KEY/CDL_TLS_CLIENT_CA are unusable: ${reason}`);
  }
  return options;
}

/** The verified client certificate of a mutual-TLS connection (for audit), or undefined. */
export function tlsPeer(socket: unknown): { subject: string; issuer: string; fingerprint256: string; serialNumber: string } | undefined {
  const s = socket as Partial<TLSSocket> | undefined;
  if (!s || typeof s.getPeerCertificate !== 'function' || s.authorized !== true) return undefined;
  const cert = s.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const dn = (o: Record<string, unknown> | undefined) =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
      .join(', ');
  return {
    subject: dn(cert.subject as unknown as Record<string, unknown>),
    issuer: dn(cert.issuer as unknown as Record<string, unknown>),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
  };
}

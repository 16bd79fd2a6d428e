/**
 * The embedded DEVELOPMENT token issuer, used when no issuer is configured (`CDL_AUTH_ISSUER`
 * unset): an ES256 key pair kept under `<dataDir>/dev-issuer/`, created on first use, and a
 * `mintToken` that signs access tokens the server then verifies like any other issuer's.
 *
 * - issuer `urn:cdl:dev-issuer` (a URN on purpose: it designates no reachable service and cannot be
 *   mistaken for a production identity provider), audience `cahier-de-liaison`;
 * - `private-key.json`: the private JWK (file mode 0600, directory 0700) — whoever can read it can
 *   mint tokens for any user: never use the dev issuer in production, configure a real one;
 * - `jwks.json`: the public JWKS the verifier reads (as a file JWKS).
 *
 * Creation is safe against concurrent starts (server and `npm run token` at once): the key file is
 * published with an exclusive link, the loser of the race reads the winner's key.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { IssuerConfig } from './token-verifier.js';
import { parseFhirUser } from './token-claims.js';

export const DEV_ISSUER = 'urn:cdl:dev-issuer';
export const DEV_AUDIENCE = 'cahier-de-liaison';
const ALG = 'ES256';

export interface MintOptions {
  /** `Type/id` (or an absolute URL ending in it) of the caller's resource. */
  fhirUser?: string;
  /** Space-separated SMART scopes, e.g. `user/*.cruds`. */
  scope: string;
  /** `sub`; defaults to the fhirUser, else the client id, else `dev-user`. */
  subject?: string;
  /** Lifetime (default 3600 s; tests may pass a negative value to mint an expired token). */
  expiresInSeconds?: number;
  clientId?: string;
  /** Further claims (e.g. Pro Santé Connect `SubjectNameID`), applied last: for tests. */
  extraClaims?: Record<string, unknown>;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  /** `<dataDir>/dev-issuer` */
  readonly directory: string;
  /** Path of the public JWKS file. */
  readonly jwksPath: string;
  publicJwks(): JSONWebKeySet;
  /** The verifier entry trusting this issuer (file JWKS). */
  issuerConfig(): IssuerConfig;
  /** Signs an access token (compact JWS, ES256, `typ: at+jwt`). */
  mintToken(options: MintOptions): Promise<string>;
}

function readPrivateJwk(path: string): JWK {
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  } catch (e) {
    throw new Error(`dev issuer key ${path} is unreadable (${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'}); delete the dev-issuer directory to regenerate it`);
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`dev issuer key ${path} is not an EC P-256 private JWK with a kid; delete the dev-issuer directory to regenerate it`);
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return jwk;
}

async function createPrivateJwk(path: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = ALG;
  jwk.use = 'sig';
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, JSON.stringify(jwk, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path); // atomic, fails if another process published its key first
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return readPrivateJwk(path);
}

function publicJwkOf(jwk: JWK): JWK {
  const { kty, crv, x, y, kid } = jwk;
  return { kty, crv, x, y, kid, alg: ALG, use: 'sig' } as JWK;
}

/** Opens (creating on first use) the development issuer of a data directory. */
export async function openDevIssuer(options: { dataDir: string }): Promise<DevIssuer> {
  const directory = join(options.dataDir, 'dev-issuer');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if ((statSync(directory).mode & 0o077) !== 0) chmodSync(directory, 0o700);
  const keyPath = join(directory, 'private-key.json');
  let privateJwk: JWK;
  try {
    statSync(keyPath);
    privateJwk = readPrivateJwk(keyPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    privateJwk = await createPrivateJwk(keyPath);
  }
  const kid = privateJwk.kid as string;
  const signingKey = (await importJWK(privateJwk, ALG)) as CryptoKey;
  const jwks: JSONWebKeySet = { keys: [publicJwkOf(privateJwk)] };
  const jwksPath = join(directory, 'jwks.json');
  const jwksText = JSON.stringify(jwks, null, 2) + '\n';
  let current: string | undefined;
  try {
    current = readFileSync(jwksPath, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== jwksText) {
    const tmp = `${jwksPath}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, jwksText, { mode: 0o644 });
    renameSync(tmp, jwksPath);
  }

  async function mintToken(o: MintOptions): Promise<string> {
    if (typeof o.scope !== 'string' || o.scope.trim() === '') throw new Error('a scope is required (e.g. "user/*.cruds")');
    if (o.fhirUser !== undefined) {
      try {
        parseFhirUser(o.fhirUser);
      } catch {
        throw new Error(`fhirUser '${o.fhirUser}' must be Type/id with Type one of PractitionerRole, Practitioner, RelatedPerson, Patient, Device, Organization`);
      }
    }
    const lifetime = o.expiresInSeconds ?? 3600;
    if (!Number.isInteger(lifetime)) throw new Error('expiresInSeconds must be an integer');
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      sub: o.subject ?? o.fhirUser ?? o.clientId ?? 'dev-user',
      iat: now,
      exp: now + lifetime,
      jti: randomUUID(),
      scope: o.scope.trim().split(/\s+/).join(' '),
    };
    if (o.fhirUser !== undefined) claims['fhirUser'] = o.fhirUser;
    if (o.clientId !== undefined) claims['client_id'] = o.clientId;
    Object.assign(claims, o.extraClaims);
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid, typ: 'at+jwt' }).sign(signingKey);
  }

  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    kid,
    directory,
    jwksPath,
    publicJwks: () => structuredClone(jwks),
    issuerConfig: () => ({ issuer: DEV_ISSUER, jwks: jwksPath, audience: DEV_AUDIENCE }),
    mintToken,
  };
}

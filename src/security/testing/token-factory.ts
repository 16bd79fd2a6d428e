/**
 * Test support: key pairs, JWKS documents and signed (or deliberately broken) JWTs. Used by the
 * security tests only; never by the server.
 */
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestKey {
  alg: 'RS256' | 'ES256' | 'PS256' | 'EdDSA';
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export async function testKey(alg: TestKey['alg'], kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export function jwksOf(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export interface SignOptions {
  /** Overrides of the protected header (e.g. a different `kid`). */
  header?: Record<string, unknown>;
  /** Defaults to now + 300 s unless set (null = omit). */
  exp?: number | null;
  iat?: number | null;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs `claims` with `key` (kid and alg in the header). */
export async function signToken(key: TestKey, claims: JWTPayload, options: SignOptions = {}): Promise<string> {
  const payload: JWTPayload = { ...claims };
  if (options.exp !== null) payload.exp = options.exp ?? nowSeconds() + 300;
  if (options.iat !== null) payload.iat = options.iat ?? nowSeconds();
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header }).sign(key.privateKey);
}

/** `alg: none`, no signature. */
export function unsignedToken(claims: JWTPayload): string {
  return new UnsecuredJWT({ exp: nowSeconds() + 300, ...claims }).encode();
}

/** The classic key-confusion attack: HS256 with the issuer's *public* key (PEM text) as the HMAC secret. */
export async function hmacWithPublicKey(key: TestKey, claims: JWTPayload): Promise<string> {
  return new SignJWT({ exp: nowSeconds() + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .sign(new TextEncoder().encode(key.publicPem));
}

/** Replaces the payload of a signed token, keeping its header and signature. */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `${h}.${forged}.${s}`;
}

/**
 * Bearer JWT access-token verification (OAuth 2 resource server): the token's unverified `iss`
 * selects one of the trusted issuers, whose JWKS then verifies the signature (asymmetric
 * algorithms only), `aud`, `exp` (required), `nbf` and `iat` (with a clock tolerance). The claims
 * become a {@link Principal}. Every refusal is a 401 FhirError naming the failed check; tokens are
 * never logged nor echoed.
 */
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { FhirError } from '../fhir/errors.js';
import { invalidToken, missingToken, signingKeysUnavailable } from './auth-errors.js';
import { createJwksSource, KeysUnavailableError, type JwksSource, type JwksSourceOptions } from './jwks-source.js';
import type { Principal } from './principal.js';
import { principalFromClaims } from './token-claims.js';

export interface IssuerConfig {
  /** Expected `iss`, compared exactly. */
  issuer: string;
  /** JWKS: an https URL (http for localhost only), a `file://` URL or a file path. */
  jwks: string;
  /** Accepted audience(s): the token's `aud` must contain one of them. */
  audience: string | string[];
}

export interface TokenVerifierOptions {
  issuers: IssuerConfig[];
  /** Allowed clock skew for `exp`, `nbf` and `iat` (default 30 s). */
  clockToleranceSeconds?: number;
  /** JWKS caching and refresh (see {@link JwksSourceOptions}). */
  jwks?: JwksSourceOptions;
  /** When set, an absolute `fhirUser` must be under one of these FHIR bases. */
  fhirBaseUrls?: string[];
  /** Longer Authorization values are refused as malformed (default 16 384 characters). */
  maxTokenLength?: number;
}

export interface TokenVerifier {
  /** Verifies an `Authorization` header value; resolves to the caller or rejects with a FhirError (401, or 503 when the issuer's keys cannot be fetched). */
  verify(authorizationHeader: string | undefined): Promise<Principal>;
  /** The trusted issuers, in configuration order. */
  readonly issuers: readonly string[];
}

/** Asymmetric JWS algorithms accepted; `none` and the HMAC family (HS256/384/512) never are. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const COMPACT_JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

interface TrustedIssuer {
  issuer: string;
  audience: string[];
  source: JwksSource;
}

function validateIssuers(issuers: IssuerConfig[], jwksOptions: JwksSourceOptions): Map<string, TrustedIssuer> {
  if (!Array.isArray(issuers) || issuers.length === 0) throw new Error('token verifier: at least one trusted issuer is required');
  const byIssuer = new Map<string, TrustedIssuer>();
  issuers.forEach((cfg, i) => {
    if (typeof cfg.issuer !== 'string' || cfg.issuer.trim() === '') throw new Error(`token verifier: issuer #${i + 1} is empty`);
    if (byIssuer.has(cfg.issuer)) throw new Error(`token verifier: issuer '${cfg.issuer}' is configured twice`);
    const audience = (Array.isArray(cfg.audience) ? cfg.audience : [cfg.audience]).filter((a) => typeof a === 'string' && a !== '');
    if (audience.length === 0) throw new Error(`token verifier: issuer '${cfg.issuer}' has no audience`);
    let source: JwksSource;
    try {
      source = createJwksSource(cfg.jwks, jwksOptions);
    } catch (e) {
      throw new Error(`token verifier: issuer '${cfg.issuer}': ${(e as Error).message}`);
    }
    byIssuer.set(cfg.issuer, { issuer: cfg.issuer, audience, source });
  });
  return byIssuer;
}

/** Extracts the token from `Bearer <token>` (scheme case-insensitive, RFC 7235). */
function bearerToken(header: string | undefined, maxLength: number): string {
  const value = header?.trim() ?? '';
  if (value === '') throw missingToken('authentication required: no bearer token');
  const space = value.search(/[ \t]/);
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') throw missingToken('unsupported authorization scheme; use Bearer');
  const token = space < 0 ? '' : value.slice(space).trim();
  if (token === '' || token.length > maxLength || !COMPACT_JWS_RE.test(token)) throw invalidToken('malformed token');
  return token;
}

function mapVerificationError(e: unknown): FhirError {
  if (e instanceof FhirError) return e;
  if (e instanceof KeysUnavailableError || e instanceof joseErrors.JWKSInvalid || e instanceof joseErrors.JWKSTimeout) {
    return signingKeysUnavailable();
  }
  if (e instanceof joseErrors.JWTExpired) return invalidToken('token expired');
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return invalidToken('token not yet valid');
    if (e.claim === 'aud') return invalidToken('audience mismatch');
    if (e.claim === 'iss') return invalidToken('untrusted issuer');
    if (e.claim === 'exp' && e.reason === 'missing') return invalidToken('token has no expiry (exp)');
    return invalidToken('malformed token');
  }
  if (e instanceof joseErrors.JWKSNoMatchingKey) return invalidToken('unknown signing key');
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return invalidToken('signature invalid');
  if (e instanceof joseErrors.JOSEAlgNotAllowed || e instanceof joseErrors.JOSENotSupported) return invalidToken('algorithm not allowed');
  if (e instanceof joseErrors.JOSEError) return invalidToken('malformed token');
  throw e;
}

/** Creates a verifier for the given trusted issuers. Throws an Error for an unusable configuration (e.g. unreadable JWKS file). */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new Error('token verifier: clockToleranceSeconds must be >= 0');
  const maxLength = options.maxTokenLength ?? 16_384;
  const trusted = validateIssuers(options.issuers, options.jwks ?? {});
  const claimsOptions = options.fhirBaseUrls ? { fhirBaseUrls: options.fhirBaseUrls } : {};
  const algorithms: string[] = [...ALLOWED_ALGORITHMS];

  async function verify(authorizationHeader: string | undefined): Promise<Principal> {
    const token = bearerToken(authorizationHeader, maxLength);
    let alg: unknown;
    let unverified: JWTPayload;
    try {
      alg = decodeProtectedHeader(token).alg;
      unverified = decodeJwt(token);
    } catch {
      throw invalidToken('malformed token');
    }
    if (typeof alg !== 'string' || !algorithms.includes(alg)) throw invalidToken('algorithm not allowed');
    const entry = typeof unverified.iss === 'string' ? trusted.get(unverified.iss) : undefined;
    if (!entry) throw invalidToken('untrusted issuer');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, entry.source.getKey, {
        algorithms,
        issuer: entry.issuer,
        audience: entry.audience,
        clockTolerance: tolerance,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw mapVerificationError(e);
    }
    // jose checks `iat` only with maxTokenAge: a token issued in the future is not yet valid.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + tolerance) throw invalidToken('token not yet valid');
    return principalFromClaims(payload, claimsOptions);
  }

  return { verify, issuers: [...trusted.keys()] };
}

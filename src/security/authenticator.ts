/**
 * The composition of the authentication pieces for the server: from the validated
 * {@link AuthConfig} to one `authenticate(header)` call.
 *
 * - `issuers`: a token verifier trusting the configured issuers;
 * - `dev-issuer`: the data directory's development issuer (key pair created on first start) and a
 *   verifier trusting only it;
 * - `disabled`: no verification at all; every request gets {@link disabledPrincipal} (all system
 *   scopes) and an Authorization header, if any, is ignored. Benchmarks and tests only.
 */
import type { AuthConfig } from './auth-config.js';
import { openDevIssuer, type DevIssuer } from './dev-issuer.js';
import type { JwksSourceOptions } from './jwks-source.js';
import type { Principal } from './principal.js';
import { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './token-verifier.js';

export interface Authenticator {
  readonly mode: AuthConfig['mode'];
  /** The caller of a request, from its Authorization header; rejects with a FhirError (401/503). */
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
  /** Present in `dev-issuer` mode (e.g. to publish its JWKS or mint tokens in tests). */
  readonly devIssuer?: DevIssuer;
  /** Start-up warnings to log (dev issuer in use, authentication disabled). */
  readonly warnings: readonly string[];
}

export const AUTH_DISABLED_ISSUER = 'urn:cdl:auth-disabled';

/** The caller assumed for every request when authentication is disabled (a fresh object per call). */
export function disabledPrincipal(): Principal {
  return {
    issuer: AUTH_DISABLED_ISSUER,
    subject: 'anonymous',
    scopes: [{ context: 'system', resourceType: '*', c: true, r: true, u: true, d: true, s: true }],
    expiresAt: Number.MAX_SAFE_INTEGER,
  };
}

export async function createAuthenticator(
  auth: AuthConfig,
  options: { dataDir: string; fhirBaseUrls?: string[]; jwks?: JwksSourceOptions },
): Promise<Authenticator> {
  if (auth.mode === 'disabled') {
    return { mode: auth.mode, warnings: auth.warnings, authenticate: async () => disabledPrincipal() };
  }
  const base: Omit<TokenVerifierOptions, 'issuers'> = { clockToleranceSeconds: auth.clockToleranceSeconds };
  if (options.fhirBaseUrls) base.fhirBaseUrls = options.fhirBaseUrls;
  if (options.jwks) base.jwks = options.jwks;
  let verifier: TokenVerifier;
  if (auth.mode === 'issuers') {
    verifier = createTokenVerifier({ ...base, issuers: auth.issuers });
    return { mode: auth.mode, warnings: auth.warnings, authenticate: (h) => verifier.verify(h) };
  }
  const devIssuer = await openDevIssuer({ dataDir: options.dataDir });
  verifier = createTokenVerifier({ ...base, issuers: [devIssuer.issuerConfig()] });
  return { mode: auth.mode, warnings: auth.warnings, devIssuer, authenticate: (h) => verifier.verify(h) };
}

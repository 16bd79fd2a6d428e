/**
 * Authentication settings from environment variables (a pure function of the env object; nothing
 * is read from disk here — the verifier checks JWKS files when it is created):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `CDL_AUTH_ISSUER` | unset → embedded dev issuer | trusted issuer(s), comma-separated |
 * | `CDL_AUTH_JWKS` | required with an issuer | JWKS URL (https; http for localhost) or file path per issuer, same order |
 * | `CDL_AUTH_AUDIENCE` | required with an issuer | accepted audience, one for all issuers or one per issuer (same order); `a|b` accepts either |
 * | `CDL_AUTH_CLOCK_TOLERANCE` | `30` | clock skew in seconds allowed on `exp`/`nbf`/`iat` (0–300) |
 * | `CDL_AUTH_TOKEN_ENDPOINT` | unset | advertised in `/.well-known/smart-configuration` |
 * | `CDL_AUTH_AUTHORIZATION_ENDPOINT` | unset | advertised in `/.well-known/smart-configuration` |
 * | `CDL_AUTH_DISABLED` | `false` | `true` serves every request without a token: benchmarks/tests only |
 */
import { jwksLocation } from './jwks-source.js';
import type { IssuerConfig } from './token-verifier.js';

type Env = Record<string, string | undefined>;

interface Common {
  clockToleranceSeconds: number;
  /** For `/.well-known/smart-configuration`. */
  endpoints: { token?: string; authorization?: string };
  /** To be logged at warn level by the caller at start-up. */
  warnings: string[];
}

export type AuthConfig =
  | (Common & { mode: 'issuers'; issuers: IssuerConfig[] })
  | (Common & { mode: 'dev-issuer' })
  | (Common & { mode: 'disabled' });

export const AUTH_DISABLED_WARNING =
  '!!! CDL_AUTH_DISABLED=true: AUTHENTICATION IS DISABLED. Every request is served without a token. ' +
  'For benchmarks and tests only; NEVER in production. !!!';
export const DEV_ISSUER_WARNING =
  'No CDL_AUTH_ISSUER configured: tokens are checked against the embedded DEVELOPMENT issuer ' +
  '(urn:cdl:dev-issuer, key under <dataDir>/dev-issuer; mint tokens with `npm run token`). ' +
  'Configure CDL_AUTH_ISSUER, CDL_AUTH_JWKS and CDL_AUTH_AUDIENCE for production.';

function list(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const items = raw.split(',').map((s) => s.trim());
  const empty = items.findIndex((s) => s === '');
  if (empty >= 0) throw new Error(`${name} has an empty entry at position ${empty + 1} (got '${raw}')`);
  return items;
}

function endpoint(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute URL (got '${raw}')`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${name} must be an http(s) URL (got '${raw}')`);
  return raw;
}

function tolerance(env: Env): number {
  const raw = env.CDL_AUTH_CLOCK_TOLERANCE;
  if (raw === undefined || raw.trim() === '') return 30;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 300) throw new Error(`CDL_AUTH_CLOCK_TOLERANCE must be an integer number of seconds between 0 and 300 (got '${raw}')`);
  return n;
}

function disabled(env: Env): boolean {
  const raw = env.CDL_AUTH_DISABLED?.trim();
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new Error(`CDL_AUTH_DISABLED must be 'true' or 'false' (got '${raw}')`);
}

/** Reads and validates the authentication settings; throws an Error naming the variable at fault. */
export function readAuthConfig(env: Env = process.env): AuthConfig {
  const endpoints: Common['endpoints'] = {};
  const token = endpoint(env, 'CDL_AUTH_TOKEN_ENDPOINT');
  const authorization = endpoint(env, 'CDL_AUTH_AUTHORIZATION_ENDPOINT');
  if (token) endpoints.token = token;
  if (authorization) endpoints.authorization = authorization;
  const common = { clockToleranceSeconds: tolerance(env), endpoints };

  const issuers = list(env, 'CDL_AUTH_ISSUER');
  const jwks = list(env, 'CDL_AUTH_JWKS');
  const audiences = list(env, 'CDL_AUTH_AUDIENCE');

  if (disabled(env)) {
    if (issuers) throw new Error('CDL_AUTH_DISABLED=true contradicts CDL_AUTH_ISSUER; unset one of them');
    return { ...common, mode: 'disabled', warnings: [AUTH_DISABLED_WARNING] };
  }
  if (!issuers) {
    if (jwks) throw new Error('CDL_AUTH_JWKS is set but CDL_AUTH_ISSUER is not; set the issuer(s) the keys belong to');
    if (audiences) throw new Error('CDL_AUTH_AUDIENCE is set but CDL_AUTH_ISSUER is not; set the trusted issuer(s)');
    return { ...common, mode: 'dev-issuer', warnings: [DEV_ISSUER_WARNING] };
  }

  const seen = new Set<string>();
  for (const iss of issuers) {
    if (seen.has(iss)) throw new Error(`CDL_AUTH_ISSUER lists '${iss}' twice`);
    seen.add(iss);
  }
  if (!jwks) throw new Error('CDL_AUTH_JWKS is required when CDL_AUTH_ISSUER is set (a JWKS URL or file path per issuer, same order)');
  if (jwks.length !== issuers.length) {
    throw new Error(`CDL_AUTH_JWKS lists ${jwks.length} JWKS for ${issuers.length} issuer(s) in CDL_AUTH_ISSUER; give one per issuer, same order`);
  }
  jwks.forEach((j, i) => {
    try {
      jwksLocation(j);
    } catch (e) {
      throw new Error(`CDL_AUTH_JWKS entry ${i + 1} (for issuer '${issuers[i]}'): ${(e as Error).message}`);
    }
  });
  if (!audiences) throw new Error("CDL_AUTH_AUDIENCE is required when CDL_AUTH_ISSUER is set (the 'aud' your identity provider puts in tokens for this server)");
  if (audiences.length !== 1 && audiences.length !== issuers.length) {
    throw new Error(`CDL_AUTH_AUDIENCE lists ${audiences.length} audiences for ${issuers.length} issuers; give one for all or one per issuer, same order`);
  }
  const audienceOf = (i: number): string[] => {
    const entry = audiences.length === 1 ? audiences[0]! : audiences[i]!;
    const parts = entry.split('|').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new Error(`CDL_AUTH_AUDIENCE entry '${entry}' has an empty alternative`);
    return parts;
  };
  const configured: IssuerConfig[] = issuers.map((issuer, i) => {
    const audience = audienceOf(i);
    return { issuer, jwks: jwks[i]!, audience: audience.length === 1 ? audience[0]! : audience };
  });
  return { ...common, mode: 'issuers', issuers: configured, warnings: [] };
}

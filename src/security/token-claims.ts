/**
 * From a verified JWT claims set to a {@link Principal}: subject, client, SMART `fhirUser` and
 * `scope`/`scp`, Pro Santé Connect `SubjectNameID` and `SubjectRefPro`. Runs only after the
 * signature, issuer, audience and lifetime were checked.
 */
import type { JWTPayload } from 'jose';
import { invalidToken } from './auth-errors.js';
import { FHIR_USER_TYPES, type FhirUser, type FhirUserType, type Principal } from './principal.js';
import { parseScopes } from './scopes.js';

export interface ClaimsOptions {
  /**
   * When set, an absolute `fhirUser` URL must start with one of these bases (no trailing slash),
   * otherwise the token is refused; when unset, any base is accepted and only `Type/id` is kept.
   */
  fhirBaseUrls?: readonly string[];
}

const FHIR_USER_RE = new RegExp(`^(?:(.+)/)?(${FHIR_USER_TYPES.join('|')})/([A-Za-z0-9\\-.]{1,64})$`);

/** Parses a SMART fhirUser claim (`Type/id` or `https://…/fhir/Type/id`); throws a 401 FhirError when unusable. */
export function parseFhirUser(value: unknown, options: ClaimsOptions = {}): FhirUser {
  if (typeof value !== 'string') throw invalidToken('fhirUser claim is not a string');
  const m = FHIR_USER_RE.exec(value);
  if (!m) throw invalidToken('fhirUser claim is not a reference to a PractitionerRole, Practitioner, RelatedPerson, Patient, Device or Organization');
  const [, base, type, id] = m as unknown as [string, string | undefined, FhirUserType, string];
  if (base !== undefined) {
    if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(base)) throw invalidToken('fhirUser claim is neither a relative reference nor an absolute http(s) URL');
    if (options.fhirBaseUrls && !options.fhirBaseUrls.some((b) => b.replace(/\/+$/, '') === base)) {
      throw invalidToken('fhirUser claim designates a resource on another server');
    }
  }
  return { type, id };
}

/** Pro Santé Connect claims: `SubjectNameID` and `SubjectRefPro.exercices[].codeProfession` (object or JSON string). */
export function parsePsc(claims: JWTPayload): Principal['psc'] {
  const nationalId = claims['SubjectNameID'];
  if (typeof nationalId !== 'string' || nationalId.trim() === '') return undefined;
  let refPro = claims['SubjectRefPro'];
  if (typeof refPro === 'string') {
    try {
      refPro = JSON.parse(refPro);
    } catch {
      refPro = undefined;
    }
  }
  const codes = new Set<string>();
  const exercices = isObject(refPro) ? refPro['exercices'] : undefined;
  if (Array.isArray(exercices)) {
    for (const ex of exercices) {
      const code = isObject(ex) ? ex['codeProfession'] : undefined;
      if ((typeof code === 'string' && code.trim() !== '') || typeof code === 'number') codes.add(String(code).trim());
    }
  }
  return { nationalId: nationalId.trim(), professionCodes: [...codes] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Builds the principal; throws a 401 FhirError when a claim the server relies on is unusable. */
export function principalFromClaims(claims: JWTPayload, options: ClaimsOptions = {}): Principal {
  const issuer = nonEmptyString(claims.iss);
  if (!issuer) throw invalidToken('malformed token');
  if (typeof claims.exp !== 'number') throw invalidToken('token has no expiry (exp)');
  const clientId = nonEmptyString(claims['client_id']) ?? nonEmptyString(claims['azp']);
  const subject = nonEmptyString(claims.sub) ?? clientId;
  if (!subject) throw invalidToken('token has neither a subject (sub) nor a client id (client_id)');
  // `scope` (RFC 9068, space-separated) and `scp` (array or string): the union of both.
  const scopes = parseScopes([...toList(claims['scope']), ...toList(claims['scp'])]);
  const principal: Principal = { issuer, subject, scopes, expiresAt: claims.exp };
  if (clientId) principal.clientId = clientId;
  if (claims['fhirUser'] !== undefined) principal.fhirUser = parseFhirUser(claims['fhirUser'], options);
  const psc = parsePsc(claims);
  if (psc) principal.psc = psc;
  const jti = nonEmptyString(claims.jti);
  if (jti) principal.tokenId = jti;
  return principal;
}

function toList(v: unknown): unknown[] {
  if (typeof v === 'string') return v.split(/\s+/);
  return Array.isArray(v) ? v : [];
}


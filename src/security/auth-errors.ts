/**
 * The authentication failures, as FhirErrors. Messages are fixed phrases naming the failed check,
 * never echoing the token or its claims. 401s carry `WWW-Authenticate: Bearer` (RFC 6750: with
 * `error="invalid_token"` when a token was presented and refused).
 */
import { FhirError, errors, issue } from '../fhir/errors.js';

/** No credentials, or not a Bearer token: 401 with a bare `WWW-Authenticate: Bearer` challenge. */
export function missingToken(reason: string): FhirError {
  return errors.unauthorized(reason);
}

/** A token was presented but refused: 401, `WWW-Authenticate: Bearer error="invalid_token", error_description="…"`. */
export function invalidToken(reason: string): FhirError {
  const description = reason.replace(/["\\]/g, "'");
  return new FhirError(401, [issue('login', reason)], {
    'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

/** The trusted issuer's keys could not be fetched: not the caller's fault, 503 with Retry-After. */
export function signingKeysUnavailable(): FhirError {
  return errors.unavailable('the signing keys of the token issuer are unavailable; retry later', 5);
}

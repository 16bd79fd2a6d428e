/**
 * The authenticated caller, as the rest of the server sees it. Built only by the token verifier
 * (`token-verifier.ts`) from a token whose signature, issuer, audience and lifetime were checked;
 * nothing in it comes from request parameters.
 */

/** SMART scope context: `patient/` (the patient in context), `user/` (what the user may see), `system/` (backend client). */
export type ScopeContext = 'patient' | 'user' | 'system';

/** One SMART permission, normalized to the v2 form (`user/DocumentReference.cruds`). */
export interface Scope {
  context: ScopeContext;
  /** A FHIR resource type, or `*` for every type. */
  resourceType: string;
  c: boolean;
  r: boolean;
  u: boolean;
  d: boolean;
  s: boolean;
}

/** Resource types a SMART `fhirUser` claim may designate on this server. */
export const FHIR_USER_TYPES = ['PractitionerRole', 'Practitioner', 'RelatedPerson', 'Patient', 'Device', 'Organization'] as const;
export type FhirUserType = (typeof FHIR_USER_TYPES)[number];

export interface FhirUser {
  type: FhirUserType;
  id: string;
}

export interface Principal {
  /** The token's `iss` (one of the trusted issuers). */
  issuer: string;
  /** The token's `sub` (or, for a client-credentials token without `sub`, its client id). */
  subject: string;
  /** `client_id` (RFC 9068) or `azp` (OpenID Connect). */
  clientId?: string;
  /** SMART fhirUser claim parsed: the caller's resource on this server. */
  fhirUser?: FhirUser;
  /** Pro Santé Connect: national professional id (SubjectNameID) and profession codes (SubjectRefPro.exercices[].codeProfession). */
  psc?: { nationalId: string; professionCodes: string[] };
  /** Granted SMART scopes (identity scopes such as `openid` are not kept). */
  scopes: Scope[];
  /** The token's `jti`, for audit. */
  tokenId?: string;
  /** The token's `exp`, in seconds since the Unix epoch. */
  expiresAt: number;
}

/** `Type/id` of the caller's resource, or undefined when the token names none. */
export function fhirUserReference(principal: Principal): string | undefined {
  return principal.fhirUser ? `${principal.fhirUser.type}/${principal.fhirUser.id}` : undefined;
}

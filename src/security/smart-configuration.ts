/**
 * The `/.well-known/smart-configuration` document (SMART App Launch 2.x, §Conformance): what this
 * resource server understands (SMART v1 and v2 scopes) and where clients get tokens (the external
 * authorization server, when `CDL_AUTH_TOKEN_ENDPOINT`/`CDL_AUTH_AUTHORIZATION_ENDPOINT` are set).
 * Served without authentication. Only capabilities that hold are advertised: launch capabilities
 * need an authorization endpoint, `client-confidential-asymmetric` a token endpoint.
 */
import type { AuthConfig } from './auth-config.js';
import { DEV_ISSUER } from './dev-issuer.js';

export interface SmartConfigurationOptions {
  /** The token issuer (`iss`) clients will receive tokens from. */
  issuer?: string;
  /** Public JWKS URL of that issuer (only advertised when it is an http(s) URL). */
  jwksUri?: string;
  tokenEndpoint?: string;
  authorizationEndpoint?: string;
  /** When given, per-type scopes are listed in `scopes_supported` besides the wildcard ones. */
  resourceTypes?: readonly string[];
}

export interface SmartConfiguration {
  issuer?: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  grant_types_supported: string[];
  response_types_supported?: string[];
  scopes_supported: string[];
  code_challenge_methods_supported: string[];
  capabilities: string[];
}

const isHttpUrl = (s: string | undefined): s is string => s !== undefined && /^https?:\/\//i.test(s);

/** Builds the document from explicit options. */
export function buildSmartConfiguration(options: SmartConfigurationOptions = {}): SmartConfiguration {
  const { tokenEndpoint, authorizationEndpoint } = options;
  const capabilities = ['permission-v2', 'permission-v1', 'permission-user', 'permission-patient'];
  const grants: string[] = [];
  if (authorizationEndpoint) {
    capabilities.push('launch-standalone', 'context-standalone-patient');
    grants.push('authorization_code');
  }
  if (tokenEndpoint) {
    capabilities.push('client-confidential-asymmetric');
    grants.push('client_credentials');
  }
  const scopes = [
    'openid',
    'fhirUser',
    'offline_access',
    'patient/*.rs',
    'user/*.cruds',
    'user/*.rs',
    'system/*.cruds',
    'system/*.rs',
    'patient/*.read',
    'user/*.read',
    'user/*.write',
    'user/*.*',
    'system/*.read',
    'system/*.write',
    'system/*.*',
  ];
  if (authorizationEndpoint) scopes.splice(3, 0, 'launch/patient');
  for (const type of options.resourceTypes ?? []) scopes.push(`patient/${type}.rs`, `user/${type}.cruds`, `system/${type}.cruds`);

  const doc: SmartConfiguration = {
    grant_types_supported: grants,
    scopes_supported: scopes,
    code_challenge_methods_supported: ['S256'],
    capabilities,
  };
  if (options.issuer) doc.issuer = options.issuer;
  if (isHttpUrl(options.jwksUri)) doc.jwks_uri = options.jwksUri;
  if (authorizationEndpoint) {
    doc.authorization_endpoint = authorizationEndpoint;
    doc.response_types_supported = ['code'];
  }
  if (tokenEndpoint) {
    doc.token_endpoint = tokenEndpoint;
    doc.token_endpoint_auth_methods_supported = ['private_key_jwt'];
    doc.token_endpoint_auth_signing_alg_values_supported = ['RS384', 'ES384'];
  }
  return doc;
}

/**
 * The document for the server's authentication settings: the first configured issuer (and its JWKS
 * when it is a URL), or the dev issuer (with `devJwksUri` if the server publishes its JWKS), plus
 * the configured endpoints. Several trusted issuers: only the first is advertised.
 */
export function smartConfigurationFor(auth: AuthConfig, extra: { devJwksUri?: string; resourceTypes?: readonly string[] } = {}): SmartConfiguration {
  const options: SmartConfigurationOptions = {};
  if (auth.mode === 'issuers') {
    const first = auth.issuers[0]!;
    options.issuer = first.issuer;
    options.jwksUri = first.jwks;
  } else if (auth.mode === 'dev-issuer') {
    options.issuer = DEV_ISSUER;
    if (extra.devJwksUri) options.jwksUri = extra.devJwksUri;
  }
  if (auth.endpoints.token) options.tokenEndpoint = auth.endpoints.token;
  if (auth.endpoints.authorization) options.authorizationEndpoint = auth.endpoints.authorization;
  if (extra.resourceTypes) options.resourceTypes = extra.resourceTypes;
  return buildSmartConfiguration(options);
}

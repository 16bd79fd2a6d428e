/** The CapabilityStatement, generated from what the engine really exposes. */
import type { Definitions } from '../fhir/definitions/model.js';
import { profiles } from '../fhir/terminology.js';
import type { EngineOptions } from './engine-deps.js';

/** Search parameters the engine answers for a type (Resource-level ones included). */
export type SearchParamLister = (type: string) => Array<{ code: string; type: string; url: string }>;

const WRITE_INTERACTIONS = ['create', 'update', 'delete'];
const READ_INTERACTIONS = ['read', 'vread', 'history-instance', 'history-type', 'search-type'];
const SERVER_WRITTEN = new Set(['AuditEvent', 'Provenance']);

export interface CapabilityInfo {
  software: { name: string; version: string };
  releaseDate?: string;
  /** The OAuth endpoints advertised (SMART), when configured. */
  oauth?: { authorize?: string; token?: string };
}

/** `rest.security`: every request but /metadata needs a SMART bearer token. */
function security(info: CapabilityInfo): Record<string, unknown> {
  const uris = [
    ...(info.oauth?.authorize ? [{ url: 'authorize', valueUri: info.oauth.authorize }] : []),
    ...(info.oauth?.token ? [{ url: 'token', valueUri: info.oauth.token }] : []),
  ];
  return {
    ...(uris.length > 0 ? { extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: uris }] } : {}),
    cors: false,
    service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
    description:
      'Bearer JWT access tokens (SMART v2 scopes, fhirUser; Pro Santé Connect claims understood), checked against the trusted issuers; see /.well-known/smart-configuration. Access follows the circle of care and the audience labels of each note.',
  };
}

export function buildCapabilityStatement(
  defs: Definitions,
  options: EngineOptions,
  searchParams: SearchParamLister,
  info: CapabilityInfo,
  searchSupported: boolean,
): Record<string, unknown> {
  const resource = options.resourceTypes.map((type) => {
    const interactions = [...READ_INTERACTIONS.filter((i) => searchSupported || i !== 'search-type'), ...(SERVER_WRITTEN.has(type) ? [] : WRITE_INTERACTIONS)];
    const clientWritten = !SERVER_WRITTEN.has(type);
    const entry: Record<string, unknown> = {
      type,
      interaction: interactions.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: clientWritten,
      conditionalCreate: clientWritten,
      conditionalRead: 'full-support',
      conditionalUpdate: false,
      conditionalDelete: clientWritten ? 'single' : 'not-supported',
      referencePolicy: ['literal', 'enforced', 'local'],
    };
    if (type === 'DocumentReference') entry.supportedProfile = [profiles.documentReference];
    if (searchSupported) {
      const params = searchParams(type);
      entry.searchParam = params.map((p) => ({ name: p.code, definition: p.url, type: p.type }));
      const references = params.filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`);
      if (references.length > 0) entry.searchInclude = ['*', ...references];
    }
    return entry;
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: info.releaseDate ?? new Date().toISOString().slice(0, 10),
    publisher: 'cahier-de-liaison contributors',
    kind: 'instance',
    instantiates: [profiles.capabilityStatement],
    software: info.software,
    fhirVersion: defs.fhirVersion,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Gestionnaire de cahier de liaison (CI-SIS ans.fhir.fr.cdl 3.0.0)',
        security: security(info),
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
      },
    ],
  };
}

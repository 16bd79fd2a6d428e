/** Building engine responses from stored versions and write outcomes. */
import { toOperationOutcome, issue } from '../fhir/errors.js';
import type { RequestContext } from './engine-deps.js';
import type { FhirResponse, Preferences } from './fhir-request.js';
import { etag, httpDate } from './resource-ids.js';
import type { StoredVersion } from './storage-port.js';
import type { WriteOutcome } from './write/commit.js';

export const versionHeaders = (v: { version: number; lastUpdated: number }): Record<string, string> => ({
  etag: etag(v.version),
  'last-modified': httpDate(v.lastUpdated),
});

export const versionLocation = (ctx: RequestContext, type: string, id: string, version: number): string =>
  `${ctx.baseUrl}/${type}/${id}/_history/${version}`;

/** 200 with the stored JSON text of a version. */
export function storedResponse(v: StoredVersion): FhirResponse {
  return { status: 200, body: { kind: 'json', json: v.json ?? '{}' }, headers: versionHeaders(v) };
}

export function outcomeResponse(status: number, message: string, headers: Record<string, string> = {}): FhirResponse {
  return {
    status,
    headers,
    body: { kind: 'resource', resource: toOperationOutcome([issue('informational', message, undefined, 'information')]) },
  };
}

/** The answer to a create/update, shaped by `Prefer: return=`. */
export function writeResponse(outcome: WriteOutcome, ctx: RequestContext, prefer: Preferences): FhirResponse {
  const status = outcome.created ? 201 : 200;
  const headers = { ...versionHeaders(outcome), location: versionLocation(ctx, outcome.type, outcome.id, outcome.version) };
  switch (prefer.return) {
    case 'minimal':
      return { status, headers };
    case 'OperationOutcome':
      return outcomeResponse(
        status,
        `${outcome.created ? 'Created' : 'Updated'} ${outcome.type}/${outcome.id} version ${outcome.version}`,
        headers,
      );
    default:
      return { status, headers, body: { kind: 'json', json: outcome.json ?? '{}' } };
  }
}

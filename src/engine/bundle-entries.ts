/**
 * Reading the entries of a transaction or batch Bundle into planned operations, with the
 * reference map of a transaction (fullUrl and the IG example's `Type/id` aliases → new ids).
 */
import { errors, FhirError, issue } from '../fhir/errors.js';
import type { HttpMethod } from './fhir-request.js';
import { classify, splitEntryUrl, type Operation } from './operation.js';
import type { JsonObject } from './write/prepare.js';

export interface PlannedEntry {
  index: number;
  /** `Bundle.entry[3]` */
  path: string;
  method: HttpMethod;
  url: string;
  op: Operation;
  query: Array<[string, string]>;
  fullUrl?: string;
  resource?: JsonObject;
  ifMatch?: string;
  ifNoneMatch?: string;
  ifNoneExist?: string;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']);

export function bundleOf(body: unknown): { type: string; entries: JsonObject[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidStructure('The request body must be a Bundle');
  const b = body as JsonObject;
  if (b.resourceType !== 'Bundle') {
    throw errors.badRequest(`POST to the base URL takes a Bundle, not '${String(b.resourceType)}'`, 'Bundle.resourceType');
  }
  if (b.type !== 'transaction' && b.type !== 'batch') {
    throw errors.badRequest(`Bundle.type must be 'transaction' or 'batch', not '${String(b.type)}'`, 'Bundle.type');
  }
  if (b.entry !== undefined && !Array.isArray(b.entry)) throw errors.invalidStructure('Bundle.entry must be an array', 'Bundle.entry');
  const entries = (b.entry ?? []) as unknown[];
  entries.forEach((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) throw errors.invalidStructure(`Bundle.entry[${i}] must be an object`, `Bundle.entry[${i}]`);
  });
  return { type: b.type, entries: entries as JsonObject[] };
}

/** Reads one entry's request into a planned operation (400 naming the entry when malformed). */
export function planEntry(entry: JsonObject, index: number, baseUrl: string): PlannedEntry {
  const path = `Bundle.entry[${index}]`;
  const request = entry.request as JsonObject | undefined;
  if (!request || typeof request !== 'object') throw errors.badRequest(`${path} has no request`, `${path}.request`);
  const method = request.method;
  if (typeof method !== 'string' || !METHODS.has(method)) {
    throw errors.badRequest(`${path}.request.method must be one of GET, HEAD, POST, PUT, DELETE, PATCH`, `${path}.request.method`);
  }
  if (typeof request.url !== 'string' || request.url === '') throw errors.badRequest(`${path}.request.url is required`, `${path}.request.url`);
  const url = request.url;
  const { path: segments, query } = splitEntryUrl(url, baseUrl);
  let op: Operation;
  if (method === 'POST' && segments.length === 2) {
    // The IG's example Bundle posts to `Type/id`: accepted as a create of Type (id assigned by the server).
    op = { kind: 'create', type: segments[0]! };
  } else {
    try {
      op = classify(method as HttpMethod, segments, query.length > 0);
    } catch (e) {
      if (e instanceof FhirError) throw new FhirError(e.status, e.issues.map((i) => ({ ...i, diagnostics: `${path}: ${i.diagnostics}`, expression: [`${path}.request.url`] })));
      throw e;
    }
  }
  if (op.kind === 'bundle' || op.kind === 'capabilities' || op.kind === 'search-system') {
    throw errors.badRequest(`${path}: '${method} ${url}' is not allowed inside a Bundle`, `${path}.request.url`);
  }
  const planned: PlannedEntry = { index, path, method: method as HttpMethod, url, op, query };
  if (typeof entry.fullUrl === 'string') planned.fullUrl = entry.fullUrl;
  if (entry.resource !== undefined) {
    if (entry.resource === null || typeof entry.resource !== 'object' || Array.isArray(entry.resource)) {
      throw errors.invalidStructure(`${path}.resource must be a resource object`, `${path}.resource`);
    }
    planned.resource = entry.resource as JsonObject;
  }
  if ((op.kind === 'create' || op.kind === 'update') && !planned.resource) {
    throw errors.badRequest(`${path}: ${method} needs a resource`, `${path}.resource`);
  }
  for (const [key, field] of [['ifMatch', 'ifMatch'], ['ifNoneMatch', 'ifNoneMatch'], ['ifNoneExist', 'ifNoneExist']] as const) {
    if (typeof request[field] === 'string') planned[key] = request[field] as string;
  }
  return planned;
}

/** Re-throws an entry's failure with the entry named in every issue. */
export function failEntry(entry: PlannedEntry, e: unknown): never {
  if (!(e instanceof FhirError)) throw e;
  const label = `${entry.path} (${entry.method} ${entry.url})`;
  throw new FhirError(
    e.status,
    e.issues.map((i) => ({
      ...i,
      diagnostics: i.diagnostics.startsWith(entry.path) ? i.diagnostics : `${label}: ${i.diagnostics}`,
      expression: i.expression ?? [entry.path],
    })),
    e.headers,
  );
}

export function unresolvedReference(entry: PlannedEntry, reference: string): FhirError {
  return new FhirError(400, [
    issue('not-found', `${entry.path}.resource: reference '${reference}' matches no fullUrl in the Bundle`, `${entry.path}.resource`),
  ]);
}

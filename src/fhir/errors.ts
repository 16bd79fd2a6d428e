/**
 * The error catalog: one error type carrying OperationOutcome issues and the HTTP status it maps to.
 * Every failure the engine reports to a client is a FhirError; anything else is a server fault
 * and is answered as a generic 500 without details.
 */

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** R4 issue-type codes (http://hl7.org/fhir/issue-type) used by this server. */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'extension'
  | 'too-costly'
  | 'business-rule'
  | 'conflict'
  | 'transient'
  | 'lock-error'
  | 'exception'
  | 'timeout'
  | 'throttled'
  | 'informational';

export interface Issue {
  severity: IssueSeverity;
  code: IssueCode;
  diagnostics: string;
  /** FHIRPath-style element paths, e.g. `DocumentReference.content[0].attachment.hash`. */
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Array<{ severity: IssueSeverity; code: IssueCode; diagnostics?: string; expression?: string[] }>;
}

export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  readonly headers: Record<string, string>;

  constructor(status: number, issues: Issue[], headers: Record<string, string> = {}) {
    super(issues.map((i) => i.diagnostics).join('; '));
    this.name = 'FhirError';
    this.status = status;
    this.issues = issues;
    this.headers = headers;
  }
}

export function issue(code: IssueCode, diagnostics: string, expression?: string, severity: IssueSeverity = 'error'): Issue {
  return expression === undefined ? { severity, code, diagnostics } : { severity, code, diagnostics, expression: [expression] };
}

export function toOperationOutcome(issues: Issue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => {
      const out: OperationOutcome['issue'][number] = { severity: i.severity, code: i.code, diagnostics: i.diagnostics };
      if (i.expression && i.expression.length > 0) out.expression = i.expression;
      return out;
    }),
  };
}

const one = (status: number, code: IssueCode, msg: string, expression?: string, headers?: Record<string, string>) =>
  new FhirError(status, [issue(code, msg, expression)], headers);

/** Catalog of the errors the server answers with. */
export const errors = {
  badRequest: (msg: string, expression?: string) => one(400, 'invalid', msg, expression),
  invalidStructure: (msg: string, expression?: string) => one(400, 'structure', msg, expression),
  notSupported: (msg: string, expression?: string) => one(400, 'not-supported', msg, expression),
  unauthorized: (msg: string) => one(401, 'login', msg, undefined, { 'www-authenticate': 'Bearer' }),
  forbidden: (msg: string) => one(403, 'forbidden', msg),
  notFound: (msg: string) => one(404, 'not-found', msg),
  unknownType: (type: string) => one(404, 'not-supported', `Resource type '${type}' is not supported by this server`),
  resourceNotFound: (type: string, id: string) => one(404, 'not-found', `${type}/${id} is not known`),
  versionNotFound: (type: string, id: string, vid: string) => one(404, 'not-found', `${type}/${id}/_history/${vid} is not known`),
  gone: (type: string, id: string, version: number) =>
    one(410, 'deleted', `${type}/${id} was deleted (version ${version})`, undefined, { etag: `W/"${version}"` }),
  methodNotAllowed: (msg: string) => one(405, 'not-supported', msg),
  notAcceptable: (msg: string) => one(406, 'not-supported', msg),
  conflict: (msg: string, expression?: string) => one(409, 'conflict', msg, expression),
  preconditionFailed: (msg: string) => one(412, 'conflict', msg),
  multipleMatches: (msg: string) => one(412, 'multiple-matches', msg),
  payloadTooLarge: (msg: string) => one(413, 'too-long', msg),
  unsupportedMediaType: (msg: string) => one(415, 'not-supported', msg),
  unprocessable: (issues: Issue[]) => new FhirError(422, issues),
  businessRule: (msg: string, expression?: string) => one(422, 'business-rule', msg, expression),
  tooManyRequests: (retryAfterSeconds: number) =>
    one(429, 'throttled', 'Too many requests; retry later', undefined, { 'retry-after': String(retryAfterSeconds) }),
  unavailable: (msg: string, retryAfterSeconds = 1) =>
    one(503, 'transient', msg, undefined, { 'retry-after': String(retryAfterSeconds) }),
  internal: () => one(500, 'exception', 'Internal server error'),
};

export function isFhirError(e: unknown): e is FhirError {
  return e instanceof FhirError;
}

/**
 * The engine's framework-free request and response: what an HTTP adapter (or a Bundle entry)
 * hands to the engine, and what it gets back.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface FhirRequest {
  method: HttpMethod;
  /** Path segments after the FHIR base, e.g. ['DocumentReference', '123', '_history', '2']. */
  path: string[];
  /** Query parameters in order (names and values decoded). */
  query: Array<[string, string]>;
  /** Parsed JSON body (a FHIR resource), when the body is FHIR JSON. */
  body?: unknown;
  /** Raw bytes and their media type, for a Binary posted as-is. */
  raw?: { contentType: string; data: Buffer };
  headers: RequestHeaders;
}

export interface RequestHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifNoneExist?: string;
  ifModifiedSince?: string;
  prefer?: string;
  /** True when the client asked for FHIR content (Accept: application/fhir+json...), for Binary reads. */
  acceptsFhir?: boolean;
}

export type ResponseBody =
  /** Stored JSON text, served without re-serialization. */
  | { kind: 'json'; json: string }
  /** An object to serialize. */
  | { kind: 'resource'; resource: object }
  /** Raw bytes (Binary content). */
  | { kind: 'binary'; contentType: string; data: Buffer };

export interface FhirResponse {
  status: number;
  body?: ResponseBody;
  headers: Record<string, string>;
  /** What the response disclosed or changed, for the audit log (never sent to the client). */
  /** What the AuditEvents name: every resource shown, the notebooks, and per notebook its resources shown. */
  audit?: { resources: string[]; patients: string[]; byPatient?: Record<string, string[]> };
}

/** Parsed `Prefer` header. */
export interface Preferences {
  return?: 'minimal' | 'representation' | 'OperationOutcome';
  handling?: 'strict' | 'lenient';
}

export function parsePrefer(header: string | undefined): Preferences {
  const out: Preferences = {};
  if (!header) return out;
  for (const part of header.split(/[,;]/)) {
    const [k, v] = part.trim().split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'OperationOutcome')) out.return = v;
    if (k === 'handling' && (v === 'strict' || v === 'lenient')) out.handling = v;
  }
  return out;
}

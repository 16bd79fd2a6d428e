/** What the engine is built from: passed in by the composition root, never reached for globally. */
import type { Definitions } from '../fhir/definitions/model.js';
import type { Issue } from '../fhir/errors.js';
import type { IndexEntry } from '../fhir/search/index-entry.js';
import type { BinaryStore } from './binary-store.js';
import type { Storage } from './storage-port.js';
import type { RequestAuth } from './access/request-auth.js';

export interface ValidationResult {
  /** Base R4 violations (malformed content): answered 400. */
  structural: Issue[];
  /** Profile and business-rule violations (CdL profile): answered 422. */
  profile: Issue[];
}

export interface ResourceValidator {
  validate(resource: unknown, pathPrefix: string): ValidationResult;
  /** Profile rules of a whole transaction Bundle (the CdL note Bundles); empty when it conforms. */
  validateTransaction(bundle: unknown): Issue[];
}

export interface ResourceIndexer {
  extract(resource: Record<string, unknown>): IndexEntry[];
}

export interface EngineOptions {
  /** Resource types exposed over the API. */
  resourceTypes: string[];
  /** Attachment bytes above this size are stored once as a Binary (default 64 KiB). */
  inlineAttachmentMaxBytes: number;
  /** Default and maximum page sizes of history and search. */
  defaultCount: number;
  maxCount: number;
  /** Maximum entries in a transaction or batch Bundle. */
  maxBundleEntries: number;
}

export interface EngineDeps {
  storage: Storage;
  /** Where Binary bytes live (`DatabaseBinaryStore`: in the storage, in the same transaction). */
  binaries: BinaryStore;
  defs: Definitions;
  validator: ResourceValidator;
  indexer: ResourceIndexer;
  options: EngineOptions;
  /** Epoch milliseconds. */
  clock: () => number;
}

/** Per-request context. */
export interface RequestContext {
  /** The FHIR base URL as seen by the client, without trailing slash (`http://host:8080/fhir`). */
  baseUrl: string;
  /** The caller and what it may do. */
  auth: RequestAuth;
  /** The client's network address (for audit). */
  clientAddress?: string;
}

/** Resource types whose references do not hold their targets (no referential-integrity link). */
export const NON_HOLDING_TYPES: ReadonlySet<string> = new Set(['Binary', 'Provenance', 'AuditEvent']);

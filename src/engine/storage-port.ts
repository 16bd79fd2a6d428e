/**
 * The storage port: what the engine needs from a database. Adapters (SQLite, PostgreSQL) implement
 * it and pass the same contract tests (`storage-contract.ts`). SQL dialects stay inside adapters.
 *
 * Resources are stored as the exact JSON text served to clients (meta.versionId/lastUpdated set),
 * so reads never re-serialize. Every version is kept (history is immutable); a deletion is a
 * version without content.
 */
import type { IndexEntry } from '../fhir/search/index-entry.js';
import type { SearchRequest } from '../fhir/search/search-request.js';
import type { AccessConstraint } from './access-constraint.js';
import type { Membership } from './access/circle-memberships.js';

export interface StoredVersion {
  type: string;
  id: string;
  version: number;
  /** Epoch milliseconds. */
  lastUpdated: number;
  deleted: boolean;
  /** The resource JSON text; null for a deletion. */
  json: string | null;
  method: 'POST' | 'PUT' | 'DELETE';
  /** The notebook (patient id) the resource belongs to, when the adapter knows it. */
  patientId?: string | null;
}

/** A literal reference held by a resource (for referential integrity). */
export interface Link {
  targetType: string;
  targetId: string;
}

export interface VersionWrite {
  type: string;
  id: string;
  version: number;
  lastUpdated: number;
  method: 'POST' | 'PUT';
  json: string;
  index: IndexEntry[];
  links: Link[];
  /** Notebook compartment: patient id, null for directory resources, '' when restricted. */
  patientId: string | null;
  /** Audience labels of this version (LABEL_BITS mask). */
  labelMask: number;
  /** The resource whose access rules this one follows (Binary, Provenance); written before it. */
  owner?: Link;
  /** Circle-of-care memberships this resource defines (CareTeam, RelatedPerson). */
  memberships: Membership[];
}

export interface DeleteWrite {
  type: string;
  id: string;
  version: number;
  lastUpdated: number;
}

/** One version of an import (`StorageTx.importVersions`): a write, or a deletion. */
export type ImportedVersion = ({ deleted: false } & VersionWrite) | ({ deleted: true } & DeleteWrite);

export interface HistoryQuery {
  type?: string;
  id?: string;
  /** Only versions with lastUpdated >= since (epoch ms). */
  since?: number;
  /** Only versions with lastUpdated < before (epoch ms), for `_at`-style bounds and paging. */
  before?: number;
  /** Keyset paging: continue after this (lastUpdated, sequence) position, newest first. */
  after?: { lastUpdated: number; seq: number };
  count: number;
}

export interface HistoryEntry extends StoredVersion {
  /** Monotonic storage sequence of the version, used as a paging key. */
  seq: number;
}

/** Keyset position of a search page: the sort values of the last match, then its storage key. */
export type SearchPosition = Array<string | number>;

export interface SearchQuery {
  request: SearchRequest;
  /** Continue after this position (from the previous page's `next`). */
  after?: SearchPosition;
  /** Count every match (Bundle.total). */
  countTotal: boolean;
  access: AccessConstraint;
}

export interface SearchResult {
  matches: StoredVersion[];
  /** Position of the last match when more matches follow. */
  next?: SearchPosition;
  total?: number;
  /** Resources added by _include/_revinclude (not duplicating matches). */
  included: StoredVersion[];
}

/**
 * Reads. Every method takes the caller's access constraint (absent = unrestricted, for the
 * engine's own checks); what it hides is indistinguishable from what does not exist.
 */
export interface StorageReader {
  readCurrent(type: string, id: string, access?: AccessConstraint): Promise<StoredVersion | undefined>;
  readVersion(type: string, id: string, version: number, access?: AccessConstraint): Promise<StoredVersion | undefined>;
  /** Raw content stored beside a version by `StorageTx.writeBlob` (the database `BinaryStore`). */
  readBlob(type: string, id: string, version: number, access?: AccessConstraint): Promise<Buffer | undefined>;
  history(query: HistoryQuery, access?: AccessConstraint): Promise<HistoryEntry[]>;
  countHistory(query: Omit<HistoryQuery, 'count' | 'after'>, access?: AccessConstraint): Promise<number>;
  search(query: SearchQuery): Promise<SearchResult>;
}

export interface StorageTx extends StorageReader {
  /** Reads the current version and locks it against concurrent writers until commit. */
  readForUpdate(type: string, id: string): Promise<StoredVersion | undefined>;
  /** Which of the given targets exist as current, non-deleted resources. */
  existing(targets: Link[]): Promise<Set<string>>;
  /** Current resources (type/id) that reference the target, up to `limit`. */
  referencedBy(targetType: string, targetId: string, limit: number): Promise<Link[]>;
  writeVersion(write: VersionWrite): Promise<void>;
  deleteVersion(write: DeleteWrite): Promise<void>;
  /**
   * Stores raw content beside a version written earlier in this transaction (Binary bytes: the
   * database `BinaryStore`, `binary-store.ts`); it commits or rolls back with the version.
   * Rejects when that version does not exist or already has content.
   */
  writeBlob(type: string, id: string, version: number, data: Buffer): Promise<void>;
  /**
   * Bulk load of versions read from an export (`src/storage/ndjson/`), in their original order,
   * into a store that was empty when the import began — or of resources new to the store that no
   * one else writes (server-written AuditEvents, `appendChained`): each item is written exactly as given
   * (version number, lastUpdated, method, JSON text, derived rows), like `writeVersion` /
   * `deleteVersion` would, without any check. Storage order (`HistoryEntry.seq`) follows the
   * order of the items.
   */
  importVersions(versions: ImportedVersion[]): Promise<void>;
  /** Bulk load of exported audit-chain links, appended in order as given (no hash is recomputed). */
  importAuditChain(links: Array<{ eventId: string; hash: string }>): Promise<void>;
  /** The hash of the last link of the audit chain ('' when empty). */
  auditChainHead(): Promise<string>;
  /** Appends an AuditEvent to the tamper-evident chain (hash = sha256(previous hash + event JSON)). */
  appendAuditChain(eventId: string, hash: string): Promise<void>;
}

export interface AuditChainLink {
  seq: number;
  eventId: string;
  hash: string;
}

export interface Storage extends StorageReader {
  /** Links of the audit chain after `afterSeq`, in order (for verification and export). */
  auditChain(afterSeq: number, limit: number): Promise<AuditChainLink[]>;
  /**
   * Every version of every resource (deletions included), in storage order — the order they
   * were written — with `seq` > `afterSeq`, at most `limit`: the unrestricted stream an export
   * pages through (`seq` of the last one is the next `afterSeq`).
   */
  exportVersions(afterSeq: number, limit: number): Promise<HistoryEntry[]>;
  /**
   * Runs `fn` atomically: all its writes commit together and are durable when the returned
   * promise resolves, or none are applied when it rejects. `fn` must only await storage calls.
   */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
  /**
   * Stores server-written AuditEvents (version 1) and links each into the audit chain after the
   * current head, in order (`appendChained`), atomically. Unlike `transaction`, the commit may be
   * acknowledged before it reaches stable storage (SQLite synchronous=NORMAL in WAL mode,
   * PostgreSQL synchronous_commit=off): it survives a crash of the server process, not a power
   * loss, and the next durable commit makes it durable too. An adapter may do the work off the
   * event loop.
   */
  appendAuditEvents(events: VersionWrite[]): Promise<void>;
  /** Health probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

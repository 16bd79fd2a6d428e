/**
 * Import: loads an export into an EMPTY store (refused otherwise), preserving ids, version
 * numbers, lastUpdated, methods, the stored JSON text byte for byte, write order, Binary bytes and
 * the audit chain; derived rows (index, links, compartments, labels, circle) are recomputed
 * (`derive.ts`). Versions are written in batches (`StorageTx.importVersions`), each batch one
 * transaction, in their original order, so a Binary's or Provenance's owner is always written
 * before it. Finally the audit chain is appended as exported (verify it with `verifyAuditChain`).
 *
 * A failed import leaves the batches already committed: empty the store (new data directory, or
 * DROP SCHEMA) before trying again — the emptiness check refuses to mix two data sets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BinaryStore } from '../../engine/binary-store.js';
import type { ImportedVersion, Storage } from '../../engine/storage-port.js';
import type { VersionDeriver } from './derive.js';
import { FormatError, MANIFEST_FILE, parseChainLine, parseManifest, type Manifest } from './format.js';
import { mergedVersions } from './merged-versions.js';
import { readLines } from './ndjson-io.js';

export interface ImportOptions {
  /** Versions per transaction (default 500). */
  batchVersions?: number;
  /** Approximate JSON + Binary bytes per transaction (default 32 MiB). */
  batchBytes?: number;
  onProgress?: (versions: number) => void;
}

export interface ImportSummary {
  versions: number;
  byType: Record<string, number>;
  binaries: number;
  auditLinks: number;
}

export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new FormatError(`${path} is missing: not an export, or an incomplete one`);
  return parseManifest(readFileSync(path, 'utf8'));
}

/** True when the store holds no version and no audit link. */
export async function isEmptyStore(storage: Storage): Promise<boolean> {
  return (await storage.exportVersions(0, 1)).length === 0 && (await storage.auditChain(0, 1)).length === 0;
}

interface Batch {
  versions: ImportedVersion[];
  blobs: Array<{ id: string; version: number; bytes: Buffer }>;
  bytes: number;
}

const newBatch = (): Batch => ({ versions: [], blobs: [], bytes: 0 });

export async function importStore(storage: Storage, binaries: BinaryStore, derive: VersionDeriver, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const maxVersions = options.batchVersions ?? 500;
  const maxBytes = options.batchBytes ?? 32 * 1024 * 1024;
  const manifest = readManifest(dir);
  if (!(await isEmptyStore(storage))) throw new ImportRefusedError('the target store is not empty: import only into a new, empty store');

  const summary = { versions: 0, byType: {} as Record<string, number>, binaries: 0, auditLinks: 0 };
  const flush = async (b: Batch) => {
    if (b.versions.length === 0) return;
    await storage.transaction(async (tx) => {
      await tx.importVersions(b.versions);
      for (const blob of b.blobs) await binaries.put({ type: 'Binary', id: blob.id, version: blob.version }, blob.bytes, tx);
    });
    summary.versions += b.versions.length;
    options.onProgress?.(summary.versions);
  };

  let batch = newBatch();
  for await (const v of mergedVersions(dir, manifest)) {
    batch.versions.push(derive(v));
    batch.bytes += (v.json?.length ?? 0) + (v.blob?.length ?? 0);
    if (v.blob) {
      batch.blobs.push({ id: v.id, version: v.version, bytes: v.blob });
      summary.binaries++;
    }
    summary.byType[v.type] = (summary.byType[v.type] ?? 0) + 1;
    if (batch.versions.length >= maxVersions || batch.bytes >= maxBytes) {
      await flush(batch);
      batch = newBatch();
    }
  }
  await flush(batch);

  let links: Array<{ eventId: string; hash: string }> = [];
  let lastHash = '';
  const appendLinks = async () => {
    if (links.length === 0) return;
    const chunk = links;
    links = [];
    await storage.transaction((tx) => tx.importAuditChain(chunk));
    summary.auditLinks += chunk.length;
  };
  const chainPath = join(dir, manifest.auditChain.url);
  if (manifest.auditChain.count > 0 || existsSync(chainPath)) {
    if (!existsSync(chainPath)) throw new FormatError(`${manifest.auditChain.url} is listed in the manifest but missing`);
    for await (const line of readLines(chainPath)) {
      const link = parseChainLine(line.text, `${manifest.auditChain.url}:${line.number}`);
      links.push(link);
      lastHash = link.hash;
      if (links.length >= 1000) await appendLinks();
    }
    await appendLinks();
  }
  if (summary.auditLinks !== manifest.auditChain.count) {
    throw new FormatError(`${manifest.auditChain.url} holds ${summary.auditLinks} links, the manifest says ${manifest.auditChain.count}`);
  }
  if (lastHash !== manifest.auditChain.head) throw new FormatError(`${manifest.auditChain.url} ends with another head than the manifest's`);
  return summary;
}

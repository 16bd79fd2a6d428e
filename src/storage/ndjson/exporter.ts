/**
 * Export: streams every version of the store (`Storage.exportVersions`, in write order) into one
 * NDJSON file per resource type, Binary bytes from the Binary store, then the audit chain, then
 * the manifest (last: its presence marks a complete export). Memory stays flat: one page at a time.
 *
 * Consistency: the export reads page by page, not in one snapshot. Run it on a store no server is
 * writing to (servers stopped, or a restored backup / promoted replica), as for any logical dump.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BinaryStore } from '../../engine/binary-store.js';
import type { Storage } from '../../engine/storage-port.js';
import {
  AUDIT_CHAIN_FILE,
  chainLine,
  fileOfType,
  FORMAT_NAME,
  FORMAT_VERSION,
  MANIFEST_FILE,
  manifestText,
  versionLine,
  type Manifest,
} from './format.js';
import { NdjsonWriter } from './ndjson-io.js';

export interface ExportOptions {
  /** Versions (and audit links) read per storage call (default 1000). */
  pageSize?: number;
  /** Called every `pageSize` versions with the count so far. */
  onProgress?: (versions: number) => void;
}

export interface ExportSummary {
  versions: number;
  byType: Record<string, number>;
  binaries: number;
  binaryBytes: number;
  auditLinks: number;
  auditHead: string;
}

/** Refuses a directory that holds anything (an export never mixes with other files). */
function prepareDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const present = readdirSync(dir);
  if (present.length > 0) throw new Error(`${dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): export into a new or empty directory`);
}

export async function exportStore(storage: Storage, binaries: BinaryStore, dir: string, options: ExportOptions = {}): Promise<ExportSummary> {
  const pageSize = options.pageSize ?? 1000;
  prepareDirectory(dir);
  const writers = new Map<string, NdjsonWriter>();
  const summary: ExportSummary = { versions: 0, byType: {}, binaries: 0, binaryBytes: 0, auditLinks: 0, auditHead: '' };
  let chain: NdjsonWriter | undefined;
  let failed = true;
  try {
    let after = 0;
    for (;;) {
      const page = await storage.exportVersions(after, pageSize);
      for (const v of page) {
        let writer = writers.get(v.type);
        if (!writer) {
          writer = new NdjsonWriter(join(dir, fileOfType(v.type)));
          writers.set(v.type, writer);
        }
        let blob: Buffer | undefined;
        if (v.type === 'Binary' && !v.deleted) {
          blob = await binaries.get({ type: v.type, id: v.id, version: v.version }, storage);
          if (blob) {
            summary.binaries++;
            summary.binaryBytes += blob.length;
          }
        }
        await writer.write(versionLine(v, ++summary.versions, blob));
        summary.byType[v.type] = (summary.byType[v.type] ?? 0) + 1;
      }
      if (page.length > 0) options.onProgress?.(summary.versions);
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.seq;
    }

    chain = new NdjsonWriter(join(dir, AUDIT_CHAIN_FILE));
    let afterLink = 0;
    for (;;) {
      const links = await storage.auditChain(afterLink, pageSize);
      for (const l of links) {
        await chain.write(chainLine(l.eventId, l.hash));
        summary.auditHead = l.hash;
      }
      summary.auditLinks += links.length;
      if (links.length < pageSize) break;
      afterLink = links[links.length - 1]!.seq;
    }
    failed = false;
  } finally {
    // Files are closed even on failure (the missing manifest marks the export incomplete).
    const results = await Promise.allSettled([...writers.values(), ...(chain ? [chain] : [])].map((w) => w.close()));
    const closeError = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (closeError && !failed) throw closeError.reason;
  }

  const manifest: Manifest = {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    versions: summary.versions,
    output: Object.keys(summary.byType)
      .sort()
      .map((type) => ({ type, url: fileOfType(type), count: summary.byType[type]! })),
    auditChain: { url: AUDIT_CHAIN_FILE, count: summary.auditLinks, head: summary.auditHead },
  };
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, manifestText(manifest));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, MANIFEST_FILE));
  return summary;
}

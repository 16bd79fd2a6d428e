/**
 * The Binary store port: where the raw bytes of Binary resources live (a Binary posted by a
 * client, or an attachment above the inline limit moved out of a note). The resource JSON stays in
 * the storage; only the bytes go through this port, one object per Binary version.
 *
 * - `DatabaseBinaryStore` (the default) keeps the bytes in the database beside the version
 *   (`StorageTx.writeBlob` / `StorageReader.readBlob`), inside the same transaction as the
 *   version: they commit or roll back together.
 * - An object store (S3-compatible) implements the same interface and ignores the `tx`/`reader`
 *   arguments: `put` uploads before the storage commit (content is immutable and keyed by version,
 *   so a retried write simply overwrites the same object); an object whose transaction rolled back
 *   is an orphan that a sweeper removes with `delete` (an object is referenced iff the storage has
 *   that Binary version). Nothing in the engine changes: the composition root chooses the store.
 *
 * Access control stays with the storage: the engine reads the version under the caller's access
 * constraint first and asks this store for the bytes only when the version is visible.
 */
import type { StorageReader, StorageTx } from './storage-port.js';

/** Identifies the bytes of one version of one resource (`Binary/<id>/_history/<version>`). */
export interface BinaryKey {
  type: string;
  id: string;
  version: number;
}

/** The object name of a key in a flat key space (e.g. an S3 object key). */
export const binaryObjectName = (k: BinaryKey): string => `${k.type}/${k.id}/_history/${k.version}`;

export interface BinaryStore {
  /**
   * Stores the bytes of a version that `tx` is writing (called after `tx.writeVersion` of that
   * version). A database store writes them in `tx`; an external store may ignore it.
   */
  put(key: BinaryKey, bytes: Buffer, tx: StorageTx): Promise<void>;
  /**
   * The bytes of a version, or undefined when it has none. `reader` is what the version was read
   * with (a transaction sees its own writes); the caller has already checked access to it.
   */
  get(key: BinaryKey, reader: StorageReader): Promise<Buffer | undefined>;
  /** Removes the bytes of a version (orphan clean-up of external stores); history never needs it. */
  delete?(key: BinaryKey): Promise<void>;
}

/** The default store: bytes in the database (`blobs` table), in the version's own transaction. */
export class DatabaseBinaryStore implements BinaryStore {
  put(key: BinaryKey, bytes: Buffer, tx: StorageTx): Promise<void> {
    return tx.writeBlob(key.type, key.id, key.version, bytes);
  }

  get(key: BinaryKey, reader: StorageReader): Promise<Buffer | undefined> {
    return reader.readBlob(key.type, key.id, key.version);
  }
}

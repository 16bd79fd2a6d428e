/** The storage contract on the SQLite adapter (a fresh database file per block). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStorageContract } from '../../engine/storage-contract.js';
import { SqliteStorage } from './sqlite-storage.js';

runStorageContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-contract-'));
  const storage = SqliteStorage.open({ file: join(dir, 'cdl.sqlite') });
  return {
    storage,
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

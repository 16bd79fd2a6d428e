/**
 * The storage contract on the PostgreSQL adapter, in a fresh schema per block (dropped at the
 * end). Runs when CDL_TEST_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test).
 */
import { describe } from 'node:test';
import { runStorageContract } from '../../engine/storage-contract.js';
import { PostgresStorage } from './postgres-storage.js';
import { dropSchema, freshSchemaName } from './test-schema.js';

const url = process.env.CDL_TEST_DATABASE_URL;

if (!url) {
  describe('storage contract: postgres', { skip: 'CDL_TEST_DATABASE_URL is not set' }, () => {});
} else {
  runStorageContract('postgres', async () => {
    const schema = freshSchemaName('cdl_contract');
    const storage = await PostgresStorage.open({ connectionString: url, schema, poolSize: 8 });
    return {
      storage,
      async close() {
        await storage.close();
        await dropSchema(url, schema);
      },
    };
  });
}

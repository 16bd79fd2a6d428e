/**
 * `npm run import -- --in DIR`: loads an export (`npm run export`) into the configured store,
 * which must be empty (CDL_DATA_DIR, or CDL_DATABASE_URL / CDL_DATABASE_SCHEMA): ids, versions,
 * lastUpdated, history, Binary content and the audit chain as exported; search index, links,
 * compartments, labels and circle of care recomputed with this server's definitions and
 * CDL_RESOURCE_TYPES (use the configuration the data was written with). Verifies the audit chain.
 */
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../engine/audit/verify-chain.js';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../fhir/definitions/load.js';
import { restrictSearchParams } from '../fhir/definitions/restrict.js';
import { createIndexer } from '../fhir/search/indexer.js';
import { loadConfig } from '../server/config.js';
import { AUDIT_SEARCH_PARAMS, createBinaryStore } from '../server/compose.js';
import { createDeriver } from '../storage/ndjson/derive.js';
import { importStore, ImportRefusedError } from '../storage/ndjson/importer.js';
import { openStorage } from '../storage/open-storage.js';

const USAGE = `Usage: npm run import -- --in DIR

Loads an export written by \`npm run export\` into the configured store, which must be empty:
CDL_DATA_DIR (SQLite), or CDL_DATABASE_URL and CDL_DATABASE_SCHEMA (PostgreSQL). History,
version numbers, lastUpdated, Binary content and the audit chain are kept; the search index,
references, compartments, labels and circle of care are recomputed. Exit code 1 when the import
fails or the imported audit chain does not verify.`;

async function main(): Promise<number> {
  let dir: string | undefined;
  try {
    const { values } = parseArgs({ options: { in: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    dir = values.in;
    if (!dir) throw new Error('--in DIR is required');
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const defs = restrictSearchParams(loadDefinitions(defaultDefinitionsCacheDir()), AUDIT_SEARCH_PARAMS);
  const indexer = createIndexer(defs, config.resourceTypes);
  const derive = createDeriver({ extract: (r) => indexer.extract(r as { resourceType: string }) });
  const storage = await openStorage({
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : {}),
    databaseSchema: config.databaseSchema,
    databasePoolSize: 2,
    dataDir: config.dataDir,
    sqlite: { synchronous: config.sqliteSynchronous, cacheMiB: config.sqliteCacheMiB },
  });
  try {
    const started = Date.now();
    let lastReport = started;
    const s = await importStore(storage, createBinaryStore(config), derive, dir, {
      onProgress: (n) => {
        if (Date.now() - lastReport < 5000) return;
        lastReport = Date.now();
        process.stdout.write(`  ${n} versions…\n`);
      },
    });
    const types = Object.entries(s.byType)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
    process.stdout.write(
      `Imported ${s.versions} versions (${types || 'none'}), ${s.binaries} Binary contents, ${s.auditLinks} audit-chain links ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const verifying = Date.now();
    const chain = await verifyAuditChain(storage);
    const took = `${((Date.now() - verifying) / 1000).toFixed(1)} s`;
    if (chain.ok) {
      process.stdout.write(`audit chain OK: ${chain.verified} events verified, head ${chain.head || '(empty)'} (${took})\n`);
      return 0;
    }
    process.stdout.write(
      `audit chain BROKEN at link ${chain.broken!.seq} (AuditEvent/${chain.broken!.eventId}): ${chain.broken!.reason} — imported as exported; check the source with npm run audit:verify\n`,
    );
    return 1;
  } catch (e) {
    if (e instanceof ImportRefusedError) {
      process.stderr.write(`import refused: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await storage.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`import failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);

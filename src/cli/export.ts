/**
 * `npm run export -- --out DIR`: writes the whole notebook — every version of every resource
 * (deletions included), Binary content and the audit chain — as FHIR NDJSON, one file per
 * resource type, plus `manifest.json` (format: `src/storage/ndjson/FORMAT.md`). The store is the
 * configured one (CDL_DATA_DIR, or CDL_DATABASE_URL / CDL_DATABASE_SCHEMA). Stop the servers
 * writing to it first: the export reads page by page, not in one snapshot.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { createBinaryStore } from '../server/compose.js';
import { exportStore } from '../storage/ndjson/exporter.js';
import { openStorage } from '../storage/open-storage.js';

const USAGE = `Usage: npm run export -- --out DIR

Writes every version of every resource (deletions included), Binary content and the audit chain
as FHIR NDJSON into DIR (created; must be empty): <Type>.ndjson, audit-chain.ndjson, manifest.json.
The store is the configured one: CDL_DATA_DIR (SQLite), or CDL_DATABASE_URL and
CDL_DATABASE_SCHEMA (PostgreSQL). Stop the servers writing to it first.`;

async function main(): Promise<number> {
  let out: string | undefined;
  try {
    const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    out = values.out;
    if (!out) throw new Error('--out DIR is required');
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
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
    const s = await exportStore(storage, createBinaryStore(config), out, {
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
      `Exported ${s.versions} versions (${types || 'none'}), ${s.binaries} Binary contents (${s.binaryBytes} bytes), ` +
        `${s.auditLinks} audit-chain links into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await storage.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`export failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);

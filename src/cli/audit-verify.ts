/**
 * `npm run audit:verify`: walks the tamper-evident audit chain and recomputes every link's hash
 * from the stored AuditEvent; reports the first broken link (exit 1) or the verified length.
 */
import { verifyAuditChain } from '../engine/audit/verify-chain.js';
import { loadConfig } from '../server/config.js';
import { openStorage } from '../storage/open-storage.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const storage = await openStorage({
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : {}),
    databaseSchema: config.databaseSchema,
    dataDir: config.dataDir,
    sqlite: { synchronous: config.sqliteSynchronous, cacheMiB: config.sqliteCacheMiB },
  });
  try {
    const r = await verifyAuditChain(storage);
    if (r.ok) {
      process.stdout.write(`audit chain OK: ${r.verified} events verified, head ${r.head || '(empty)'}\n`);
    } else {
      process.stdout.write(`audit chain BROKEN at link ${r.broken!.seq} (AuditEvent/${r.broken!.eventId}): ${r.broken!.reason}; ${r.verified} events verified before it\n`);
      process.exitCode = 1;
    }
  } finally {
    await storage.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`audit:verify failed: ${(e as Error).message}\n`);
  process.exit(2);
});

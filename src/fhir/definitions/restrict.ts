/**
 * Narrows the search parameters of some resource types. The server indexes (and therefore
 * accepts in searches, and declares in its CapabilityStatement) only what the narrowed
 * definitions list, so the three always agree.
 */
import type { Definitions } from './model.js';

/** Search parameters kept for `_id`/`_lastUpdated`: served by the store itself, never indexed. */
const ALWAYS = ['_id', '_lastUpdated'];

export function restrictSearchParams(defs: Definitions, only: Readonly<Record<string, readonly string[]>>): Definitions {
  const searchParams = { ...defs.searchParams };
  for (const [type, codes] of Object.entries(only)) {
    const all = defs.searchParams[type];
    if (!all) throw new Error(`no search parameters for resource type ${type}`);
    const kept: typeof all = {};
    for (const code of [...ALWAYS, ...codes]) {
      const def = all[code];
      if (!def) throw new Error(`${type} has no search parameter '${code}'`);
      kept[code] = def;
    }
    searchParams[type] = kept;
  }
  return { ...defs, searchParams };
}

/** Which search parameters the index holds (shared by the indexer and the search parser). */
import type { SearchParamDef } from '../definitions/model.js';

/** Parameters the store answers itself (`_id`, `_lastUpdated`) or that are not indexed. */
const NOT_INDEXED = new Set(['_id', '_lastUpdated', '_text', '_content', '_query', '_filter', '_list', '_has', '_type']);

/**
 * True when `def` is indexed at write time: every parameter with an expression except `_id`,
 * `_lastUpdated`, `_text`, `_content`, `_query`, composite and special ones.
 */
export function isIndexedParam(def: SearchParamDef): boolean {
  return !NOT_INDEXED.has(def.code) && def.type !== 'composite' && def.type !== 'special' && !!def.expression;
}

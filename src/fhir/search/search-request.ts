/**
 * The parsed form of a FHIR search (`GET /Type?...`) that the SQL compiler turns into queries.
 * Produced by `parseSearch` (`parse-search.ts`). Pure data, JSON-serialisable (open date and
 * number bounds are Number.MIN_SAFE_INTEGER / Number.MAX_SAFE_INTEGER, never ±Infinity).
 *
 * Filter semantics: `SearchRequest.filters` are ANDed (one per query parameter occurrence:
 * a repeated parameter gives several filters); the `values` of one filter are ORed (comma).
 * Every filter's `param` names the index entries (`IndexEntry.param`) it is matched against.
 */
import type { SearchParamType } from '../definitions/model.js';

/** Comparison prefixes of number, date and quantity values (`eq` when absent). */
export type Prefix = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'sa' | 'eb' | 'ap';

export type TokenValue =
  /** `code`: that code in any system (or none). */
  | { match: 'code'; code: string }
  /** `system|code` (system resolved through `canonicalSystem`). */
  | { match: 'system-code'; system: string; code: string }
  /** `|code`: that code with no system. */
  | { match: 'no-system'; code: string }
  /** `system|`: any code of that system. */
  | { match: 'system'; system: string };

/**
 * Token values on token entries of `param`. `negate` (`:not`): the resource has NO entry of
 * `param` matching any of the values (resources without the element match too).
 * Also used for the derived indexes: `param` = `<ref param>:identifier` for the reference
 * `:identifier` modifier, `<token param>:of-type` for `:of-type` (code = `<type code>|<value>`).
 */
export interface TokenFilter {
  kind: 'token';
  param: string;
  negate: boolean;
  values: TokenValue[];
}

/** `:text`: an entry's `text` starts with one of the folded values (same rule as string search). */
export interface TokenTextFilter {
  kind: 'token-text';
  param: string;
  /** Folded with `foldText`. */
  values: string[];
}

/**
 * String values. `starts-with` (no modifier) and `contains` compare folded values with the
 * entries' `norm`; `exact` compares the original values with the entries' `exact`.
 */
export interface StringFilter {
  kind: 'string';
  param: string;
  match: 'starts-with' | 'exact' | 'contains';
  values: string[];
}

/**
 * A date value: the inclusive epoch-ms range its precision implies (UTC when no offset is given),
 * and the prefix. For `ap`, [start, end] is already widened (10 % of the distance to `now`, at
 * least a day) and the intended test is "overlaps".
 */
export interface DateValue {
  prefix: Prefix;
  start: number;
  end: number;
}

export interface DateFilter {
  kind: 'date';
  param: string;
  values: DateValue[];
}

/** A number: its value and the range its precision implies (`100` → [99.5, 100.5]). */
export interface NumberValue {
  prefix: Prefix;
  value: number;
  low: number;
  high: number;
}

export interface NumberFilter {
  kind: 'number';
  param: string;
  values: NumberValue[];
}

/**
 * `[prefix]number|system|code`: system null = any system; code null = any unit. With a null
 * system and a code (`5.4||mg`), the code matches the entry's `code` or its `unit`.
 */
export interface QuantityValue extends NumberValue {
  system: string | null;
  code: string | null;
}

export interface QuantityFilter {
  kind: 'quantity';
  param: string;
  values: QuantityValue[];
}

/** Uri values: `exact` equality, `below` (entry starts with value), `above` (value starts with entry). */
export interface UriFilter {
  kind: 'uri';
  param: string;
  match: 'exact' | 'below' | 'above';
  values: string[];
}

export type ReferenceValue =
  /**
   * A local resource: `Type/id`, a bare `id` (targetType from the `:Type` modifier, or the
   * parameter's only target type, else null = any type), or an absolute URL under the
   * server's base URL. Matches entries with this targetType (when not null) and targetId.
   */
  | { match: 'local'; targetType: string | null; id: string }
  /** Any other absolute URL / urn / canonical (`|version` dropped): matches entries' `url`. */
  | { match: 'url'; url: string };

export interface ReferenceFilter {
  kind: 'reference';
  param: string;
  values: ReferenceValue[];
}

/** `:missing=true` (no entry of `param`) / `:missing=false` (at least one). */
export interface MissingFilter {
  kind: 'missing';
  param: string;
  /** The parameter's type, which says which index holds its entries. */
  paramType: SearchParamType;
  missing: boolean;
}

/** `_id`: the resource id is one of `values`. */
export interface IdFilter {
  kind: 'id';
  values: string[];
}

/** `_lastUpdated`: compared with the store's last-updated instant (a 1 ms range). */
export interface LastUpdatedFilter {
  kind: 'lastUpdated';
  values: DateValue[];
}

/**
 * A chained parameter (`subject:Patient.identifier=x`): the resource has an entry of reference
 * parameter `param` pointing to a resource of one of the target types that matches that
 * target's `filter` (itself possibly a chain). Targets are ORed.
 */
export interface ChainFilter {
  kind: 'chain';
  param: string;
  targets: Array<{ type: string; filter: SearchFilter }>;
}

export type SearchFilter =
  | TokenFilter
  | TokenTextFilter
  | StringFilter
  | DateFilter
  | NumberFilter
  | QuantityFilter
  | UriFilter
  | ReferenceFilter
  | MissingFilter
  | IdFilter
  | LastUpdatedFilter
  | ChainFilter;

/** `_sort` key: a parameter code, `_id` or `_lastUpdated`, with its type. */
export interface SortKey {
  param: string;
  type: SearchParamType;
  descending: boolean;
}

/**
 * `_include` / `_revinclude`. `_include=*` → { sourceType: <searched type>, param: '*' };
 * with `:iterate`, a wildcard's sourceType is '*' (any type reached). `targetType` null = all
 * the parameter's targets.
 */
export interface IncludeSpec {
  sourceType: string;
  param: string;
  targetType: string | null;
  iterate: boolean;
}

export type TotalMode = 'none' | 'estimate' | 'accurate';
export type SummaryMode = 'true' | 'false' | 'text' | 'data' | 'count';

export interface IgnoredParam {
  /** The parameter name as received (with modifiers / chain). */
  name: string;
  /** Its value as received (links leave this parameter out). */
  value: string;
  reason: string;
}

export interface SearchRequest {
  resourceType: string;
  /** ANDed. */
  filters: SearchFilter[];
  /** Page size: `_count` capped at maxCount, else defaultCount; 0 = no entries (count only). */
  count: number;
  sort: SortKey[];
  total?: TotalMode;
  summary?: SummaryMode;
  /** `_elements`, without the resource type prefix; absent when not asked for. */
  elements?: string[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  /** Opaque paging token, carried as received. */
  cursor?: string;
  /** Parameters dropped (lenient mode, or empty values), for the caller to report. */
  ignored: IgnoredParam[];
}

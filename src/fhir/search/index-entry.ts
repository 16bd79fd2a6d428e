/**
 * The rows the search index holds for a resource, one per searchable value, produced at write
 * time by the indexer (`indexer.ts`) and matched by the SQL compiler against a `SearchRequest`.
 *
 * `param` is the search parameter code, or a derived index name for the two derived indexes:
 * - `<code>:identifier` (token entries): `Reference.identifier` of a reference parameter, for the
 *   `:identifier` modifier (`author:identifier=system|value`);
 * - `<code>:of-type` (token entries): `Identifier.type.coding` + value of a token parameter, for
 *   the `:of-type` modifier; `system` = type coding system, `code` = `<type code>|<value>`.
 */
export type IndexEntry =
  /** `text` = folded display / CodeableConcept.text, for `:text`; absent when there is none. */
  | { kind: 'token'; param: string; system: string | null; code: string | null; text?: string }
  /** `norm` = case- and accent-folded (see `foldText`), `exact` = the original value. */
  | { kind: 'string'; param: string; norm: string; exact: string }
  /**
   * Inclusive range in epoch ms implied by the precision (`1975` = the whole year, UTC).
   * Open Period ends use Number.MIN_SAFE_INTEGER / Number.MAX_SAFE_INTEGER.
   */
  | { kind: 'date'; param: string; start: number; end: number }
  /**
   * Relative `Type/id` → targetType + targetId (url null); absolute URL / canonical / urn → url,
   * plus targetType/targetId when the URL ends in `<known resource type>/<id>`.
   */
  | { kind: 'reference'; param: string; targetType: string | null; targetId: string | null; url: string | null }
  /** Precision-implied range: `100` → [99.5, 100.5]. */
  | { kind: 'number'; param: string; low: number; high: number }
  | { kind: 'quantity'; param: string; system: string | null; code: string | null; unit: string | null; low: number; high: number }
  | { kind: 'uri'; param: string; uri: string };

export type IndexEntryKind = IndexEntry['kind'];

/** Derived index name holding `Reference.identifier` tokens of reference parameter `code`. */
export const identifierIndexName = (code: string): string => `${code}:identifier`;

/** Derived index name holding `Identifier.type` + value tokens of token parameter `code`. */
export const ofTypeIndexName = (code: string): string => `${code}:of-type`;

/**
 * Text folding shared by the indexer (string `norm`, token `text`) and the search parser (string
 * and `:text` values), so that both sides compare the same form.
 */

const ASCII = /^[\x00-\x7f]*$/;
const COMBINING = /\p{M}+/gu;
/** Letters NFD does not decompose but French (and neighbours) users type without them. */
const LIGATURES: ReadonlyMap<string, string> = new Map([
  ['œ', 'oe'],
  ['Œ', 'oe'],
  ['æ', 'ae'],
  ['Æ', 'ae'],
  ['ß', 'ss'],
  ['ø', 'o'],
  ['Ø', 'o'],
  ['ł', 'l'],
  ['Ł', 'l'],
  ['đ', 'd'],
  ['Đ', 'd'],
]);
const LIGATURE_RE = /[œŒæÆßøØłŁđĐ]/g;

/**
 * Case- and accent-folds a text: NFD, combining marks removed, a few ligatures expanded
 * (œ → oe, æ → ae, ß → ss...), lower-cased. `Lefèvre` → `lefevre`, `Œuvre` → `oeuvre`.
 * Whitespace and punctuation are kept as they are.
 */
export function foldText(value: string): string {
  if (ASCII.test(value)) return value.toLowerCase();
  return value
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(LIGATURE_RE, (c) => LIGATURES.get(c) ?? c)
    .toLowerCase();
}

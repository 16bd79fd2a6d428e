/**
 * Decimal text → the range its precision implies (FHIR number/quantity search semantics):
 * `100` → [99.5, 100.5], `100.0` → [99.95, 100.05], `1e2` → [50, 150], `0.5` → [0.45, 0.55].
 */

export interface NumberRange {
  value: number;
  low: number;
  high: number;
}

const DECIMAL_RE = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Rounds away binary noise (`0.1 - 0.05`) without losing meaningful digits. */
const clean = (x: number): number => Number(x.toPrecision(15));

/** Parses a decimal (optionally with an exponent); undefined when the text is not one. */
export function parseNumberRange(text: string): NumberRange | undefined {
  const m = DECIMAL_RE.exec(text);
  if (!m) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  const decimals = (m[2]?.length ?? 0) - (m[3] === undefined ? 0 : Number(m[3]));
  const half = 0.5 * 10 ** -decimals;
  return { value, low: clean(value - half), high: clean(value + half) };
}

/** The precision-implied range of a JSON number as stored in a resource. */
export function numberRangeOf(value: number): NumberRange | undefined {
  return Number.isFinite(value) ? parseNumberRange(String(value)) : undefined;
}

/**
 * Parsing of search parameter values, one function per parameter type. Each throws a 400
 * FhirError naming the parameter when the value is malformed.
 */
import { errors } from '../errors.js';
import { canonicalSystem } from '../terminology.js';
import { approximateRange, parseDateRange } from './date-range.js';
import { foldText } from './normalize.js';
import { parseNumberRange } from './number-range.js';
import type { DateValue, NumberValue, Prefix, QuantityValue, ReferenceValue, TokenValue } from './search-request.js';

/**
 * Splits on `sep` where it is not escaped by a backslash; the parts keep their escapes
 * (`a\,b,c` → [`a\,b`, `c`]).
 */
export function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Removes search escapes: `\,` `\|` `\$` `\\` → `,` `|` `$` `\`. */
export function unescapeValue(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\,|$])/g, '$1') : text;
}

/** The comma-separated (OR) values of a parameter, escapes kept, empty items dropped. */
export function splitOrValues(value: string): string[] {
  return splitUnescaped(value, ',').filter((v) => v.length > 0);
}

const PREFIXES = new Set<Prefix>(['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap']);

function splitPrefix(param: string, raw: string): { prefix: Prefix; rest: string } {
  // two letters then the start of a number or date: a prefix (known or not); otherwise no prefix
  const m = /^([a-z]{2})(?=[0-9+\-.])(.*)$/s.exec(raw);
  if (!m) return { prefix: 'eq', rest: raw };
  if (!PREFIXES.has(m[1] as Prefix)) throw errors.badRequest(`Unknown prefix '${m[1]}' in value '${raw}' of parameter '${param}'`);
  return { prefix: m[1] as Prefix, rest: m[2]! };
}

export function parseTokenValue(param: string, raw: string): TokenValue {
  const parts = splitUnescaped(raw, '|');
  if (parts.length === 1) return { match: 'code', code: unescapeValue(raw) };
  if (parts.length !== 2) throw errors.badRequest(`Invalid token '${raw}' for parameter '${param}': expected [system|]code`);
  const system = unescapeValue(parts[0]!);
  const code = unescapeValue(parts[1]!);
  if (system === '' && code === '') throw errors.badRequest(`Invalid token '${raw}' for parameter '${param}': empty system and code`);
  if (system === '') return { match: 'no-system', code };
  if (code === '') return { match: 'system', system: canonicalSystem(system) };
  return { match: 'system-code', system: canonicalSystem(system), code };
}

/** `:of-type` value `typeSystem|typeCode|value` → the derived index's system-code token. */
export function parseOfTypeValue(param: string, raw: string): TokenValue {
  const parts = splitUnescaped(raw, '|').map(unescapeValue);
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw errors.badRequest(`Invalid value '${raw}' for parameter '${param}:of-type': expected typeSystem|typeCode|value`);
  }
  return { match: 'system-code', system: canonicalSystem(parts[0]!), code: `${parts[1]}|${parts[2]}` };
}

export function parseStringValue(raw: string, exact: boolean): string {
  const v = unescapeValue(raw);
  // :exact compares canonically equivalent text as equal (an accent typed as a combining mark).
  return exact ? v.normalize('NFC') : foldText(v);
}

/** `[prefix]date`; `ap` values are widened around `now` (see `approximateRange`). */
export function parseDateValue(param: string, raw: string, now: number): DateValue {
  const { prefix, rest } = splitPrefix(param, raw);
  const range = parseDateRange(unescapeValue(rest), true);
  if (!range) throw errors.badRequest(`Invalid date '${rest}' for parameter '${param}'`);
  const r = prefix === 'ap' ? approximateRange(range, now) : range;
  return { prefix, start: r.start, end: r.end };
}

function numberPart(param: string, raw: string): NumberValue {
  const { prefix, rest } = splitPrefix(param, raw);
  const r = parseNumberRange(rest);
  if (!r) throw errors.badRequest(`Invalid number '${rest}' for parameter '${param}'`);
  return { prefix, value: r.value, low: r.low, high: r.high };
}

export function parseNumberValue(param: string, raw: string): NumberValue {
  return numberPart(param, unescapeValue(raw));
}

/** `[prefix]number`, `[prefix]number|system|code` or `[prefix]number||code`. */
export function parseQuantityValue(param: string, raw: string): QuantityValue {
  const parts = splitUnescaped(raw, '|').map(unescapeValue);
  if (parts.length !== 1 && parts.length !== 3) {
    throw errors.badRequest(`Invalid quantity '${raw}' for parameter '${param}': expected [prefix]number[|system|code]`);
  }
  const n = numberPart(param, parts[0]!);
  const system = parts[1] ? parts[1] : null;
  const code = parts[2] ? parts[2] : null;
  if (system !== null && code === null) throw errors.badRequest(`Invalid quantity '${raw}' for parameter '${param}': a system needs a code`);
  return { ...n, system, code };
}

export interface ReferenceContext {
  /** The parameter's allowed target types (empty = any). */
  targets: string[];
  /** The `:Type` modifier, when given. */
  typeModifier: string | null;
  isResourceType(name: string): boolean;
  /** The server's base URL: absolute references under it are read as local ones. */
  baseUrl?: string;
}

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;
const LOCAL_RE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export function isValidId(id: string): boolean {
  return ID_RE.test(id);
}

/** `Type/id`, bare `id`, absolute URL (local when under `baseUrl`), `urn:…` or canonical. */
export function parseReferenceValue(param: string, raw: string, ctx: ReferenceContext): ReferenceValue {
  let v = unescapeValue(raw);
  const base = ctx.baseUrl?.replace(/\/+$/, '');
  if (base && v.startsWith(`${base}/`)) v = v.slice(base.length + 1);
  const local = LOCAL_RE.exec(v);
  if (local && ctx.isResourceType(local[1]!)) {
    const type = local[1]!;
    if (ctx.typeModifier !== null && ctx.typeModifier !== type) {
      throw errors.badRequest(`Reference '${v}' does not match the modifier ':${ctx.typeModifier}' of parameter '${param}'`);
    }
    if (ctx.targets.length > 0 && !ctx.targets.includes(type)) {
      throw errors.badRequest(`Parameter '${param}' cannot refer to a ${type} (allowed: ${ctx.targets.join(', ')})`);
    }
    return { match: 'local', targetType: type, id: local[2]! };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) {
    const bar = v.indexOf('|');
    return { match: 'url', url: bar >= 0 ? v.slice(0, bar) : v };
  }
  if (ID_RE.test(v)) {
    const targetType = ctx.typeModifier ?? (ctx.targets.length === 1 ? ctx.targets[0]! : null);
    return { match: 'local', targetType, id: v };
  }
  throw errors.badRequest(`Invalid reference '${v}' for parameter '${param}': expected Type/id, id or an absolute URL`);
}

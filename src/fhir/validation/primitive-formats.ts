/**
 * Checks of FHIR primitive values: their JSON type and their lexical format.
 * One checker is compiled per primitive type (regex anchored and built once); checking a value
 * builds nothing.
 */
import type { Definitions } from '../definitions/model.js';

export type JsonKind = 'string' | 'number' | 'boolean';

export interface PrimitiveChecker {
  /** The FHIR primitive type name (`date`, `code`...). */
  readonly type: string;
  /** The JSON type its values take. */
  readonly json: JsonKind;
  /**
   * Checks a value whose JSON type is already known to be `json`.
   * Returns a short description of the problem, or undefined when the value is valid.
   */
  check(value: string | number | boolean): string | undefined;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** FHIR strings "SHALL NOT exceed 1MB (1024*1024 characters) in size" (R4 datatypes, string). */
export const MAX_STRING_LENGTH = 1024 * 1024;
const tooLong = (s: string): string | undefined =>
  s.length > MAX_STRING_LENGTH ? `${s.length} characters: FHIR strings may not exceed ${MAX_STRING_LENGTH} characters (1 MB)` : undefined;

/** Characters a FHIR string must not contain: C0 controls other than tab, CR and LF. */
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const BASE64_COMPACT = /^[A-Za-z0-9+/]*={0,2}$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Shows a value in a message, shortened. */
export function showValue(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/** For a value already matching the date regex: whether its day exists in its month. */
function calendarDayExists(s: string): boolean {
  if (s.length < 10 || s.charCodeAt(7) !== 45 /* - */) return true;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1]!;
}

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Base64 (RFC 4648, padding only at the end); whitespace is tolerated between characters. */
function base64Problem(s: string): string | undefined {
  let count = 0;
  if (BASE64_COMPACT.test(s)) {
    count = s.length;
  } else {
    let padding = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (isXmlSpace(c)) continue;
      if (c === 61 /* = */) padding++;
      else if (padding > 0 || !isBase64Char(c)) return 'not valid base64';
      count++;
    }
    if (padding > 2) return 'not valid base64';
  }
  return count % 4 === 0 ? undefined : 'base64 length is not a multiple of 4';
}

/** The JSON type of a primitive: the one declared by its topmost primitive ancestor. */
function jsonKindOf(defs: Definitions, type: string): JsonKind {
  let name = type;
  let kind: JsonKind = defs.types[type]?.jsonType ?? 'string';
  for (let depth = 0; depth < 8; depth++) {
    const base = defs.types[name]?.base;
    const baseDef = base ? defs.types[base] : undefined;
    if (!baseDef || baseDef.kind !== 'primitive-type') break;
    name = baseDef.name;
    kind = baseDef.jsonType ?? kind;
  }
  return kind;
}

function integerChecker(type: string, min: number): PrimitiveChecker {
  return {
    type,
    json: 'number',
    check(value) {
      const n = value as number;
      if (!Number.isInteger(n)) return `'${showValue(n)}' is not an integer`;
      if (n < min || n > INT32_MAX) return `${n} is out of range for ${type}`;
      return undefined;
    },
  };
}

/** Compiles the checker of a primitive type (call once per type and cache it). */
export function compilePrimitiveChecker(defs: Definitions, type: string): PrimitiveChecker {
  switch (type) {
    case 'boolean':
      return { type, json: 'boolean', check: () => undefined };
    case 'integer':
      return integerChecker(type, INT32_MIN);
    case 'positiveInt':
      return integerChecker(type, 1);
    case 'unsignedInt':
      return integerChecker(type, 0);
    case 'decimal':
      return { type, json: 'number', check: (v) => (Number.isFinite(v) ? undefined : `'${showValue(v)}' is not a decimal`) };
    case 'string':
    case 'markdown':
    case 'xhtml':
      // The published regex relies on XML Schema's \s, narrower than JavaScript's: non-empty is the rule.
      return {
        type,
        json: 'string',
        check: (v) => (type !== 'xhtml' && tooLong(v as string)) || (FORBIDDEN_CONTROL.test(v as string) ? 'contains a forbidden control character' : undefined),
      };
    case 'base64Binary':
      return { type, json: 'string', check: (v) => base64Problem(v as string) };
    default:
      break;
  }
  const json = jsonKindOf(defs, type);
  const source = defs.types[type]?.regex;
  const regex = source ? new RegExp(`^(?:${source})$`) : undefined;
  const isDate = type === 'date' || type === 'dateTime' || type === 'instant';
  return {
    type,
    json,
    check(value) {
      const s = typeof value === 'string' ? value : String(value);
      if (json === 'string') {
        const long = tooLong(s);
        if (long) return long;
        // Some published regexes (uri, code: \S) let C0 controls through; no FHIR primitive allows them.
        if (FORBIDDEN_CONTROL.test(s)) return 'contains a forbidden control character';
      }
      if (regex && !regex.test(s)) return `'${showValue(s)}' is not a valid ${type}`;
      if (isDate && !calendarDayExists(s)) return `'${showValue(s)}' is not a valid ${type} (no such day)`;
      return undefined;
    },
  };
}

/** `type/subtype` with optional `; name=value` parameters (RFC 2045 tokens). */
const MIME_TYPE =
  /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"(?:[^"\\]|\\.)*"))*$/;

/** Whether a code is a syntactically valid MIME type (the mimetypes value set is not enumerable). */
export function isMimeType(code: string): boolean {
  return MIME_TYPE.test(code);
}

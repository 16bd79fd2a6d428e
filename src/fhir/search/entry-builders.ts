/**
 * Turning a typed FHIR value found by a search parameter's expression into index entries.
 * One builder per (search parameter type, FHIR data type); `builderFor` picks it once, when the
 * parameter is compiled, so the per-write work is only the conversion itself.
 */
import type { SearchParamType } from '../definitions/model.js';
import { canonicalSystem } from '../terminology.js';
import { OPEN_END, OPEN_START, parseDateRange } from './date-range.js';
import { identifierIndexName, ofTypeIndexName, type IndexEntry } from './index-entry.js';
import { foldText } from './normalize.js';
import { numberRangeOf } from './number-range.js';
import { parseReferenceText } from './reference-text.js';

export type Emit = (entry: IndexEntry) => void;
/** Converts one value of a known FHIR type into entries for parameter `param`. */
export type EntryBuilder = (value: unknown, param: string, emit: Emit) => void;

export interface BuilderContext {
  isResourceType(name: string): boolean;
}

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : []);
const system = (v: unknown): string | null => {
  const s = str(v);
  return s === undefined ? null : canonicalSystem(s);
};

/** Primitive types whose JSON value is a string a token/string/uri index can take as it is. */
const STRING_TYPES = new Set(['string', 'markdown', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid']);
const URI_TYPES = new Set(['uri', 'url', 'canonical', 'oid', 'uuid']);
const DATE_TYPES = new Set(['date', 'dateTime', 'instant']);
const NUMBER_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt']);
/** Quantity and its specialisations (their type code is their own name in the definitions). */
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Count', 'Distance', 'Duration', 'SimpleQuantity', 'MoneyQuantity']);

// ---- token ----

function tokenFromCoding(c: Obj, param: string, emit: Emit): void {
  const code = str(c.code) ?? null;
  const display = str(c.display);
  if (code === null && display === undefined) return;
  const e: IndexEntry = { kind: 'token', param, system: system(c.system), code };
  if (display !== undefined) e.text = foldText(display);
  emit(e);
}

const tokenCoding: EntryBuilder = (v, param, emit) => {
  const c = obj(v);
  if (c) tokenFromCoding(c, param, emit);
};

/** Each coding (text = its display), plus an entry carrying only CodeableConcept.text. */
const tokenCodeableConcept: EntryBuilder = (v, param, emit) => {
  const cc = obj(v);
  if (!cc) return;
  if (Array.isArray(cc.coding)) for (const c of cc.coding) {
    const co = obj(c);
    if (co) tokenFromCoding(co, param, emit);
  }
  const text = str(cc.text);
  if (text !== undefined) emit({ kind: 'token', param, system: null, code: null, text: foldText(text) });
};

/** system + value; and, for `:of-type`, each type coding + value under `<param>:of-type`. */
const tokenIdentifier: EntryBuilder = (v, param, emit) => {
  const id = obj(v);
  const value = str(id?.value);
  if (!id || value === undefined) return;
  emit({ kind: 'token', param, system: system(id.system), code: value });
  const type = obj(id.type);
  if (type && Array.isArray(type.coding)) {
    for (const c of type.coding) {
      const co = obj(c);
      const code = str(co?.code);
      if (co && code !== undefined) emit({ kind: 'token', param: ofTypeIndexName(param), system: system(co.system), code: `${code}|${value}` });
    }
  }
};

/** The value only (no system: ContactPoint.system is phone/email..., not a code system). */
const tokenContactPoint: EntryBuilder = (v, param, emit) => {
  const value = str(obj(v)?.value);
  if (value !== undefined) emit({ kind: 'token', param, system: null, code: value });
};

const tokenBoolean: EntryBuilder = (v, param, emit) => {
  if (typeof v === 'boolean') emit({ kind: 'token', param, system: null, code: v ? 'true' : 'false' });
};

const tokenString: EntryBuilder = (v, param, emit) => {
  const s = str(v);
  if (s !== undefined) emit({ kind: 'token', param, system: null, code: s });
};

// ---- string ----

const emitString = (s: string | undefined, param: string, emit: Emit): void => {
  if (s !== undefined) emit({ kind: 'string', param, norm: foldText(s), exact: s.normalize('NFC') });
};

const stringPrimitive: EntryBuilder = (v, param, emit) => emitString(str(v), param, emit);

/** family, each given, prefix and suffix, and text, as separate entries. */
const stringHumanName: EntryBuilder = (v, param, emit) => {
  const n = obj(v);
  if (!n) return;
  emitString(str(n.family), param, emit);
  for (const s of strs(n.given)) emitString(s, param, emit);
  for (const s of strs(n.prefix)) emitString(s, param, emit);
  for (const s of strs(n.suffix)) emitString(s, param, emit);
  emitString(str(n.text), param, emit);
};

/** each line, city, district, state, postalCode, country, and text, as separate entries. */
const stringAddress: EntryBuilder = (v, param, emit) => {
  const a = obj(v);
  if (!a) return;
  for (const s of strs(a.line)) emitString(s, param, emit);
  for (const k of ['city', 'district', 'state', 'postalCode', 'country', 'text']) emitString(str(a[k]), param, emit);
};

// ---- date ----

const dateValue: EntryBuilder = (v, param, emit) => {
  const s = str(v);
  const r = s === undefined ? undefined : parseDateRange(s);
  if (r) emit({ kind: 'date', param, start: r.start, end: r.end });
};

/** start of `start` .. end of `end`; an absent side is open. Invalid dates are skipped. */
const datePeriod: EntryBuilder = (v, param, emit) => {
  const p = obj(v);
  if (!p) return;
  const s = str(p.start);
  const e = str(p.end);
  if (s === undefined && e === undefined) return;
  const sr = s === undefined ? undefined : parseDateRange(s);
  const er = e === undefined ? undefined : parseDateRange(e);
  if ((s !== undefined && !sr) || (e !== undefined && !er)) return;
  emit({ kind: 'date', param, start: sr ? sr.start : OPEN_START, end: er ? er.end : OPEN_END });
};

/** Each event, and the bounding period when there is one. */
const dateTiming: EntryBuilder = (v, param, emit) => {
  const t = obj(v);
  if (!t) return;
  for (const ev of strs(t.event)) dateValue(ev, param, emit);
  const bounds = obj(obj(t.repeat)?.boundsPeriod);
  if (bounds) datePeriod(bounds, param, emit);
};

// ---- reference ----

function referenceBuilder(ctx: BuilderContext): EntryBuilder {
  return (v, param, emit) => {
    const r = obj(v);
    if (!r) return;
    const text = str(r.reference);
    if (text !== undefined) {
      const parts = parseReferenceText(text, ctx.isResourceType);
      if (parts) emit({ kind: 'reference', param, ...parts });
    }
    const id = obj(r.identifier);
    const value = str(id?.value);
    if (id && value !== undefined) emit({ kind: 'token', param: identifierIndexName(param), system: system(id.system), code: value });
  };
}

function referenceUrlBuilder(ctx: BuilderContext): EntryBuilder {
  return (v, param, emit) => {
    const s = str(v);
    const parts = s === undefined ? undefined : parseReferenceText(s, ctx.isResourceType);
    if (parts) emit({ kind: 'reference', param, ...parts });
  };
}

// ---- number / quantity ----

const numberValue: EntryBuilder = (v, param, emit) => {
  const r = typeof v === 'number' ? numberRangeOf(v) : undefined;
  if (r) emit({ kind: 'number', param, low: r.low, high: r.high });
};

const numberQuantity: EntryBuilder = (v, param, emit) => numberValue(obj(v)?.value, param, emit);

const numberRange: EntryBuilder = (v, param, emit) => {
  const r = obj(v);
  const low = obj(r?.low)?.value;
  const high = obj(r?.high)?.value;
  const lr = typeof low === 'number' ? numberRangeOf(low) : undefined;
  const hr = typeof high === 'number' ? numberRangeOf(high) : undefined;
  if (lr || hr) emit({ kind: 'number', param, low: lr ? lr.low : OPEN_START, high: hr ? hr.high : OPEN_END });
};

/** value's precision range; a comparator (`<`, `>=`...) opens the range on that side. */
const quantityValue: EntryBuilder = (v, param, emit) => {
  const q = obj(v);
  const value = q?.value;
  const r = typeof value === 'number' ? numberRangeOf(value) : undefined;
  if (!q || !r) return;
  const cmp = q.comparator;
  const low = cmp === '<' || cmp === '<=' ? OPEN_START : r.low;
  const high = cmp === '>' || cmp === '>=' ? OPEN_END : r.high;
  emit({ kind: 'quantity', param, system: system(q.system), code: str(q.code) ?? null, unit: str(q.unit) ?? null, low, high });
};

const ISO_4217 = 'urn:iso:std:iso:4217';

const quantityMoney: EntryBuilder = (v, param, emit) => {
  const m = obj(v);
  const value = m?.value;
  const r = typeof value === 'number' ? numberRangeOf(value) : undefined;
  if (!m || !r) return;
  const currency = str(m.currency) ?? null;
  emit({ kind: 'quantity', param, system: currency === null ? null : ISO_4217, code: currency, unit: currency, low: r.low, high: r.high });
};

/** low .. high (each side's own precision range), same unit as `low` (else `high`). */
const quantityRange: EntryBuilder = (v, param, emit) => {
  const rg = obj(v);
  const lo = obj(rg?.low);
  const hi = obj(rg?.high);
  const lr = typeof lo?.value === 'number' ? numberRangeOf(lo.value) : undefined;
  const hr = typeof hi?.value === 'number' ? numberRangeOf(hi.value) : undefined;
  if (!lr && !hr) return;
  const unitOf = lr ? lo! : hi!;
  emit({
    kind: 'quantity',
    param,
    system: system(unitOf.system),
    code: str(unitOf.code) ?? null,
    unit: str(unitOf.unit) ?? null,
    low: lr ? lr.low : OPEN_START,
    high: hr ? hr.high : OPEN_END,
  });
};

// ---- uri ----

const uriValue: EntryBuilder = (v, param, emit) => {
  const s = str(v);
  if (s !== undefined) emit({ kind: 'uri', param, uri: s });
};

/**
 * The builder for values of FHIR type `fhirType` under a parameter of type `paramType`;
 * undefined when such values produce no entries (e.g. a SampledData under a quantity parameter).
 */
export function builderFor(paramType: SearchParamType, fhirType: string, ctx: BuilderContext): EntryBuilder | undefined {
  switch (paramType) {
    case 'token':
      if (fhirType === 'CodeableConcept') return tokenCodeableConcept;
      if (fhirType === 'Coding') return tokenCoding;
      if (fhirType === 'Identifier') return tokenIdentifier;
      if (fhirType === 'ContactPoint') return tokenContactPoint;
      if (fhirType === 'boolean') return tokenBoolean;
      if (STRING_TYPES.has(fhirType)) return tokenString;
      return undefined;
    case 'string':
      if (fhirType === 'HumanName') return stringHumanName;
      if (fhirType === 'Address') return stringAddress;
      if (STRING_TYPES.has(fhirType)) return stringPrimitive;
      return undefined;
    case 'date':
      if (DATE_TYPES.has(fhirType)) return dateValue;
      if (fhirType === 'Period') return datePeriod;
      if (fhirType === 'Timing') return dateTiming;
      return undefined;
    case 'reference':
      if (fhirType === 'Reference') return referenceBuilder(ctx);
      if (URI_TYPES.has(fhirType)) return referenceUrlBuilder(ctx);
      return undefined;
    case 'number':
      if (NUMBER_TYPES.has(fhirType)) return numberValue;
      if (QUANTITY_TYPES.has(fhirType)) return numberQuantity;
      if (fhirType === 'Range') return numberRange;
      return undefined;
    case 'quantity':
      if (QUANTITY_TYPES.has(fhirType)) return quantityValue;
      if (fhirType === 'Money') return quantityMoney;
      if (fhirType === 'Range') return quantityRange;
      return undefined;
    case 'uri':
      if (URI_TYPES.has(fhirType) || fhirType === 'string') return uriValue;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Required bindings compiled for checking: the expanded value set as Sets (codes alone for `code`
 * elements, `system|code` for Coding and CodeableConcept), or a MIME syntax check for the
 * mimetypes value set, which cannot be enumerated. Other bindings are not checked.
 */
import type { Definitions } from '../definitions/model.js';
import type { Issue } from '../errors.js';
import { issue } from '../errors.js';
import { isMimeType, showValue } from './primitive-formats.js';

export const MIME_TYPES_VALUE_SET = 'http://hl7.org/fhir/ValueSet/mimetypes';

export type CompiledBinding =
  | { kind: 'enumerated'; valueSet: string; codes: ReadonlySet<string>; systemCodes: ReadonlySet<string> }
  | { kind: 'mime'; valueSet: string; formatShortcuts?: boolean };

/** CapabilityStatement.format also takes the short forms `xml`, `json` and `ttl`. */
const FORMAT_SHORTCUTS: ReadonlySet<string> = new Set(['xml', 'json', 'ttl']);

/**
 * Compiles the binding of a value set URL, or returns undefined when it cannot be checked
 * (not expanded in the definitions).
 */
export function compileBinding(defs: Definitions, valueSet: string): CompiledBinding | undefined {
  if (valueSet === MIME_TYPES_VALUE_SET) return { kind: 'mime', valueSet };
  const expansion = defs.valueSets[valueSet];
  if (!expansion || expansion.codes.length === 0) return undefined;
  const codes = new Set<string>();
  for (const sc of expansion.codes) codes.add(sc.slice(sc.lastIndexOf('|') + 1));
  return { kind: 'enumerated', valueSet, codes, systemCodes: new Set(expansion.codes) };
}

const notInSet = (path: string, what: string, valueSet: string): Issue =>
  issue('code-invalid', `${path}: ${what} in the required value set ${valueSet}`, path);

/** Checks a `code` value against its binding. */
export function checkCode(binding: CompiledBinding, code: string, path: string, out: Issue[]): void {
  if (binding.kind === 'mime') {
    if (binding.formatShortcuts && FORMAT_SHORTCUTS.has(code)) return;
    if (!isMimeType(code)) out.push(issue('code-invalid', `${path}: '${showValue(code)}' is not a valid MIME type (type/subtype)`, path));
    return;
  }
  if (!binding.codes.has(code)) out.push(notInSet(path, `value '${showValue(code)}' is not`, binding.valueSet));
}

type Json = Record<string, unknown>;

function codingMatches(binding: CompiledBinding & { kind: 'enumerated' }, coding: Json): boolean {
  const { system, code } = coding;
  return typeof system === 'string' && typeof code === 'string' && binding.systemCodes.has(`${system}|${code}`);
}

/** Checks a Coding against its binding (only when it carries a code). */
export function checkCoding(binding: CompiledBinding, coding: Json, path: string, out: Issue[]): void {
  if (binding.kind !== 'enumerated' || typeof coding.code !== 'string') return;
  if (!codingMatches(binding, coding)) {
    const sc = typeof coding.system === 'string' ? `${coding.system}|${coding.code}` : `code '${coding.code}' without system`;
    out.push(notInSet(path, `'${showValue(sc)}' is not`, binding.valueSet));
  }
}

/** Checks a CodeableConcept: when it carries codings, at least one must be in the value set. */
export function checkCodeableConcept(binding: CompiledBinding, cc: Json, path: string, out: Issue[]): void {
  if (binding.kind !== 'enumerated') return;
  const codings = cc.coding;
  if (!Array.isArray(codings) || codings.length === 0) return;
  for (const c of codings) {
    if (c !== null && typeof c === 'object' && codingMatches(binding, c as Json)) return;
  }
  out.push(notInSet(path, 'none of the codings is', binding.valueSet));
}

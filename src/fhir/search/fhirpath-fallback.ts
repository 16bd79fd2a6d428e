/**
 * Evaluation through fhirpath.js for the few search parameter expressions the path compiler
 * does not handle (e.g. `Patient.deceased.exists() and Patient.deceased != false`,
 * `Bundle.entry[0].resource`). Each expression is compiled once, with the R4 model.
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { rewriteResolveForFhirpath } from './path-compiler.js';

export interface TypedValue {
  /** FHIR type code (`Reference`, `dateTime`, `boolean`...). */
  type: string;
  value: unknown;
}

const SYSTEM_TYPES: Record<string, string> = {
  'System.Boolean': 'boolean',
  'System.String': 'string',
  'System.Integer': 'integer',
  'System.Decimal': 'decimal',
  'System.Date': 'date',
  'System.DateTime': 'dateTime',
  'System.Time': 'time',
};

/** Compiles `expression` (with `resolve() is X` rewritten) into a function yielding typed values. */
export function compileFallback(expression: string): (resource: unknown) => TypedValue[] {
  const fn = fhirpath.compile(rewriteResolveForFhirpath(expression), r4, { resolveInternalTypes: false });
  return (resource) => {
    const items = fn(resource as object) as unknown[];
    if (items.length === 0) return [];
    const types = fhirpath.types(items);
    const out: TypedValue[] = [];
    for (let i = 0; i < items.length; i++) {
      const t = types[i] ?? '';
      const type = t.startsWith('FHIR.') ? t.slice(5) : SYSTEM_TYPES[t];
      if (type === undefined) continue;
      const value: unknown = fhirpath.resolveInternalTypes(fhirpath.util.valData(items[i]));
      out.push({ type, value });
    }
    return out;
  };
}

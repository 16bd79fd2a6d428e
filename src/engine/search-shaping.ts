/** `_summary` and `_elements`: subsetting resources in search results (marked SUBSETTED). */
import type { Definitions } from '../fhir/definitions/model.js';
import type { SummaryMode } from '../fhir/search/search-request.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export type Shaper = (json: string) => string;

function elementName(key: string): string {
  return key.startsWith('_') ? key.slice(1) : key;
}

/** Which top-level keys of a resource of `type` a summary mode keeps. */
function keepFor(defs: Definitions, type: string, mode: SummaryMode | undefined, elements: string[] | undefined): ((key: string) => boolean) | undefined {
  const td = defs.types[type];
  if (elements && elements.length > 0) {
    const wanted = new Set(elements);
    const mandatory = (k: string) => (td?.elements[`${type}.${k}`]?.min ?? 0) > 0;
    return (k) => ALWAYS.has(k) || wanted.has(k) || mandatory(k);
  }
  const el = (k: string) => td?.elements[`${type}.${k}`] ?? findChoice(defs, type, k);
  switch (mode) {
    case 'true':
      return (k) => ALWAYS.has(k) || el(elementName(k))?.summary === true;
    case 'text':
      return (k) => ALWAYS.has(k) || k === 'text' || (el(elementName(k))?.min ?? 0) > 0;
    case 'data':
      return (k) => k !== 'text';
    default:
      return undefined;
  }
}

function findChoice(defs: Definitions, type: string, key: string) {
  const td = defs.types[type];
  if (!td) return undefined;
  for (const [path, e] of Object.entries(td.elements)) {
    if (path.endsWith('[x]') && key.startsWith(path.slice(type.length + 1, -3))) return e;
  }
  return undefined;
}

/** A function that subsets a stored resource's JSON, or undefined when no subsetting is asked for. */
export function shaperFor(defs: Definitions, mode: SummaryMode | undefined, elements: string[] | undefined): ((type: string) => Shaper) | undefined {
  if ((mode === undefined || mode === 'false' || mode === 'count') && (!elements || elements.length === 0)) return undefined;
  const cache = new Map<string, Shaper>();
  return (type) => {
    let shaper = cache.get(type);
    if (!shaper) {
      const keep = keepFor(defs, type, mode, elements);
      shaper = keep
        ? (json) => {
            const r = JSON.parse(json) as Record<string, unknown>;
            const out: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(r)) if (keep(k)) out[k] = v;
            const meta = { ...(out.meta as Record<string, unknown> | undefined) };
            meta.tag = [...((meta.tag as unknown[] | undefined) ?? []), SUBSETTED];
            out.meta = meta;
            return JSON.stringify(out);
          }
        : (json) => json;
      cache.set(type, shaper);
    }
    return shaper;
  };
}

/** Parsing request bodies as FHIR JSON: nesting depth and width bounded, precise 4xx, no prototype pollution. */
import { errors } from '../fhir/errors.js';

export interface JsonLimits {
  /** Maximum nesting depth of arrays/objects. */
  maxDepth: number;
  /** Maximum number of JSON values (objects, arrays, strings, numbers, booleans, nulls). */
  maxValues: number;
}

/**
 * Scans JSON text (strings skipped) for its nesting depth and its number of values, stopping as
 * soon as one exceeds its limit. Values are counted as containers + commas + 1, exact for JSON
 * without empty arrays or objects (which FHIR forbids anyway).
 */
export function jsonShape(text: string, limits: JsonLimits): { depth: number; values: number } {
  let depth = 0;
  let max = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limits.maxDepth) break;
      }
      if (++values > limits.maxValues) break;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */ && ++values > limits.maxValues) break;
  }
  return { depth: max, values };
}

function position(message: string, text: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return ` at line ${line}, column ${col}`;
}

export function parseJsonBody(text: string, limits: JsonLimits): unknown {
  if (text.trim() === '') throw errors.badRequest('The request body is empty; a FHIR JSON resource is expected');
  const shape = jsonShape(text, limits);
  if (shape.depth > limits.maxDepth) {
    throw errors.badRequest(`The JSON body is nested deeper than ${limits.maxDepth} levels`);
  }
  // Each value costs validation and index rows: a wide body would hold the server for seconds.
  if (shape.values > limits.maxValues) {
    throw errors.payloadTooLarge(`The JSON body has more than ${limits.maxValues} values (objects, arrays, strings, numbers); split it into several requests`);
  }
  let proto = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (key !== '__proto__') return value;
      proto = true;
      return undefined;
    });
  } catch (e) {
    throw errors.invalidStructure(`The body is not valid JSON${position((e as Error).message, text)}`);
  }
  // Refused rather than dropped: it is no FHIR element, and silently changing content is worse.
  if (proto) throw errors.invalidStructure("The JSON body has a '__proto__' property, which is not a FHIR element");
  return parsed;
}

/** Parsing request bodies as FHIR JSON: nesting depth bounded, precise 400s, no prototype pollution. */
import { errors } from '../fhir/errors.js';

/** Returns the maximum nesting depth of arrays/objects in JSON text (strings skipped). */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
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
        if (max > limit) return max;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
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

export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.trim() === '') throw errors.badRequest('The request body is empty; a FHIR JSON resource is expected');
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw errors.badRequest(`The JSON body is nested deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch (e) {
    throw errors.invalidStructure(`The body is not valid JSON${position((e as Error).message, text)}`);
  }
}

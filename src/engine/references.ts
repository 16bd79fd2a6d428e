/** Literal references held by a resource: collecting them and rewriting them. */
import type { Link } from './storage-port.js';
import { parseRelativeReference } from './resource-ids.js';

type Json = unknown;

/**
 * Calls `visit` on every Reference-shaped object (one with a string `reference`) in the tree,
 * with its FHIRPath-style location (`DocumentReference.author[1]`).
 */
export function forEachReference(node: Json, path: string, visit: (ref: { reference: string }, path: string) => void): void {
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, Json>;
  if (typeof obj.reference === 'string') visit(obj as { reference: string }, path);
  for (const key in obj) {
    const v = obj[key];
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') forEachReference(v[i], `${path}.${key}[${i}]`, visit);
    } else forEachReference(v, `${path}.${key}`, visit);
  }
}

export interface LocatedLink extends Link {
  /** Where the (first) reference to this target stands. */
  path: string;
}

/** Relative literal references `Type/id` of the resource (one per target), for referential integrity. */
export function collectLinks(resource: Json, rootPath: string): LocatedLink[] {
  const seen = new Set<string>();
  const links: LocatedLink[] = [];
  forEachReference(resource, rootPath, ({ reference }, path) => {
    const parsed = parseRelativeReference(reference);
    if (!parsed) return;
    const key = `${parsed.type}/${parsed.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push({ targetType: parsed.type, targetId: parsed.id, path: `${path}.reference` });
  });
  return links;
}

/** Rewrites references in place: `map` returns the new reference, or undefined to keep it. */
export function rewriteReferences(resource: Json, map: (reference: string) => string | undefined): void {
  forEachReference(resource, '', (ref) => {
    const next = map(ref.reference);
    if (next !== undefined) ref.reference = next;
  });
}

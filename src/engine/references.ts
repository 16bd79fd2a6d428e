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
  /** Versions named by versioned references (`Type/id/_history/n`) to this target, with where they stand. */
  versions?: Array<{ version: number; path: string }>;
}

/** Relative literal references `Type/id` of the resource (one per target), for referential integrity. */
export function collectLinks(resource: Json, rootPath: string): LocatedLink[] {
  const byKey = new Map<string, LocatedLink>();
  forEachReference(resource, rootPath, ({ reference }, path) => {
    const parsed = parseRelativeReference(reference);
    if (!parsed) return;
    const key = `${parsed.type}/${parsed.id}`;
    let link = byKey.get(key);
    if (!link) {
      link = { targetType: parsed.type, targetId: parsed.id, path: `${path}.reference` };
      byKey.set(key, link);
    }
    if (parsed.version !== undefined) (link.versions ??= []).push({ version: parsed.version, path: `${path}.reference` });
  });
  return [...byKey.values()];
}

/** Paths of `urn:uuid:` references: they name an entry of a transaction Bundle and resolve nowhere else. */
export function urnUuidReferences(resource: Json, rootPath: string): string[] {
  const out: string[] = [];
  forEachReference(resource, rootPath, ({ reference }, path) => {
    if (reference.startsWith('urn:uuid:')) out.push(`${path}.reference`);
  });
  return out;
}

/** Rewrites references in place: `map` returns the new reference, or undefined to keep it. */
export function rewriteReferences(resource: Json, map: (reference: string) => string | undefined): void {
  forEachReference(resource, '', (ref) => {
    const next = map(ref.reference);
    if (next !== undefined) ref.reference = next;
  });
}

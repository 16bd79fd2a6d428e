/**
 * Reading a literal reference (`Reference.reference`, canonical, uri) into the parts the index
 * and the search parser use.
 */

export interface ReferenceParts {
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}

const RELATIVE_RE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const TAIL_RE = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * `Patient/123` (also `Patient/123/_history/2`) → type + id, url null;
 * an absolute URL, `urn:` or canonical → url (a canonical's `|version` dropped), with type + id
 * when it ends in `<resource type>/<id>`; a contained reference (`#x`) or an empty one → undefined.
 * `isResourceType` tells which names are resource types.
 */
export function parseReferenceText(text: string, isResourceType: (name: string) => boolean): ReferenceParts | undefined {
  if (text.length === 0 || text[0] === '#') return undefined;
  const rel = RELATIVE_RE.exec(text);
  if (rel && isResourceType(rel[1]!)) return { targetType: rel[1]!, targetId: rel[2]!, url: null };
  const bar = text.indexOf('|');
  const url = bar >= 0 ? text.slice(0, bar) : text;
  if (url.length === 0) return undefined;
  const tail = TAIL_RE.exec(url);
  if (tail && isResourceType(tail[1]!)) return { targetType: tail[1]!, targetId: tail[2]!, url };
  return { targetType: null, targetId: null, url };
}

/**
 * The resource type a Reference points to, as `resolve() is X` needs it without a database: the
 * type named by its literal reference; when that names none (absent, `urn:uuid:`, contained),
 * the Reference's `type` element; otherwise null.
 */
export function referenceTargetType(ref: unknown, isResourceType: (name: string) => boolean): string | null {
  if (ref === null || typeof ref !== 'object') return null;
  const r = ref as { reference?: unknown; type?: unknown };
  if (typeof r.reference === 'string') {
    const parts = parseReferenceText(r.reference, isResourceType);
    if (parts?.targetType) return parts.targetType;
  }
  return typeof r.type === 'string' ? r.type : null;
}

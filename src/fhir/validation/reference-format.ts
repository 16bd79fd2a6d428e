/**
 * The forms a `Reference.reference` may take on this server, parsed without allocation-heavy work:
 * relative `Type/id` (optionally `/_history/vid`), absolute URL, `urn:uuid:`, `urn:oid:`, and
 * `#id` (a contained resource; `#` alone is the container).
 */

export type ParsedReference =
  | { kind: 'relative'; type: string; id: string; version?: string }
  | { kind: 'absolute' }
  | { kind: 'uuid' }
  | { kind: 'oid' }
  | { kind: 'contained'; id: string }
  | { kind: 'invalid'; reason: string };

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+[^\s]*$/;
const URN_UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URN_OID = /^urn:oid:[0-2](?:\.(?:0|[1-9][0-9]*))+$/;
const CONTAINED = /^#[A-Za-z0-9\-.]{0,64}$/;

/**
 * Parses a reference string. `isResourceType` tells known resource type names apart (a relative
 * reference to an unknown type is invalid).
 */
export function parseReference(ref: string, isResourceType: (name: string) => boolean): ParsedReference {
  const first = ref.charCodeAt(0);
  if (first === 35 /* # */) {
    return CONTAINED.test(ref) ? { kind: 'contained', id: ref.slice(1) } : { kind: 'invalid', reason: 'malformed contained reference' };
  }
  if (ref.startsWith('urn:')) {
    if (ref.startsWith('urn:uuid:')) return URN_UUID.test(ref) ? { kind: 'uuid' } : { kind: 'invalid', reason: 'malformed urn:uuid' };
    if (ref.startsWith('urn:oid:')) return URN_OID.test(ref) ? { kind: 'oid' } : { kind: 'invalid', reason: 'malformed urn:oid' };
    return { kind: 'invalid', reason: 'only urn:uuid: and urn:oid: URNs are accepted' };
  }
  const m = RELATIVE.exec(ref);
  if (m) {
    const type = m[1]!;
    if (!isResourceType(type)) return { kind: 'invalid', reason: `'${type}' is not a known resource type` };
    return m[3] === undefined ? { kind: 'relative', type, id: m[2]! } : { kind: 'relative', type, id: m[2]!, version: m[3] };
  }
  if (ABSOLUTE.test(ref)) return { kind: 'absolute' };
  return { kind: 'invalid', reason: 'expected Type/id, Type/id/_history/vid, an absolute URL, urn:uuid:, urn:oid: or #id' };
}

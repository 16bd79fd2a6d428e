/**
 * The rules of the CdL note transactions (IG ans.fhir.fr.cdl 3.0.0): a transaction Bundle that
 * carries a DocumentReference must match cdl-bundle-creation-note (the note entry's method is POST)
 * or cdl-bundle-maj-note (PUT). Both StructureDefinitions slice `Bundle.entry` by resource:
 *   DocumentReference 1..1 (method fixed), Patient 0..1, Practitioner 0..1, PractitionerRole 0..*,
 *   Organization 0..1, RelatedPerson 0..1, Device 0..1 (method POST or PUT, constraint req-met-1);
 *   in every slice `resource` 1..1 and `response` 0..0.
 * The slicing is open: entries matching no slice (another resource type) are allowed by the
 * profiles; `rejectOtherEntries` makes them an error.
 * Pure function; the resources themselves are checked by the structure validator and the
 * DocumentReference by the cdl-document-reference rules.
 */
import type { Issue } from '../errors.js';
import { issue } from '../errors.js';

type Json = Record<string, unknown>;

export type CdlBundleProfile = 'cdl-bundle-creation-note' | 'cdl-bundle-maj-note';

export interface CdlBundleOptions {
  /** Reject entries whose resource type has no slice (the profiles' slicing is open). Default false. */
  rejectOtherEntries?: boolean;
}

/** Actor slices: resource type → maximum entries (-1 = unbounded). */
const ACTOR_SLICES: ReadonlyMap<string, number> = new Map([
  ['Patient', 1],
  ['Practitioner', 1],
  ['PractitionerRole', -1],
  ['Organization', 1],
  ['RelatedPerson', 1],
  ['Device', 1],
]);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

const resourceTypeOf = (entry: unknown): string | undefined => {
  if (!isObject(entry) || !isObject(entry.resource)) return undefined;
  const rt = entry.resource.resourceType;
  return typeof rt === 'string' ? rt : undefined;
};

const methodOf = (entry: unknown): unknown => (isObject(entry) && isObject(entry.request) ? entry.request.method : undefined);

/** Positions of the DocumentReference entries of a transaction Bundle (empty when not one). */
function noteEntries(bundle: unknown): { entries: unknown[]; notes: number[] } | undefined {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction' || !Array.isArray(bundle.entry)) {
    return undefined;
  }
  const entries = bundle.entry as unknown[];
  const notes: number[] = [];
  entries.forEach((e, i) => {
    if (resourceTypeOf(e) === 'DocumentReference') notes.push(i);
  });
  return notes.length > 0 ? { entries, notes } : undefined;
}

/**
 * The CdL profile a transaction Bundle claims by its note entry's method, or undefined when it is
 * not a transaction carrying a DocumentReference, or the method is neither POST nor PUT.
 */
export function cdlBundleProfileOf(bundle: unknown): CdlBundleProfile | undefined {
  const found = noteEntries(bundle);
  if (!found) return undefined;
  const method = methodOf(found.entries[found.notes[0]!]);
  return method === 'POST' ? 'cdl-bundle-creation-note' : method === 'PUT' ? 'cdl-bundle-maj-note' : undefined;
}

/**
 * Checks a transaction Bundle carrying at least one DocumentReference against
 * cdl-bundle-creation-note / cdl-bundle-maj-note. Returns no issue for any other Bundle.
 * `path` is the Bundle's FHIRPath (default `Bundle`).
 */
export function validateCdlTransactionBundle(bundle: unknown, path?: string, options: CdlBundleOptions = {}): Issue[] {
  const out: Issue[] = [];
  const found = noteEntries(bundle);
  if (!found) return out;
  const root = path ?? 'Bundle';
  const { entries, notes } = found;
  const at = (i: number): string => `${root}.entry[${i}]`;

  if (notes.length > 1) {
    const extra = issue(
      'value',
      `${root}: a CdL note transaction carries exactly one DocumentReference entry (slice entry:DocumentReference 1..1), found ${notes.length}`,
    );
    extra.expression = notes.slice(1).map(at);
    out.push(extra);
  }

  const noteIndex = notes[0]!;
  const noteMethod = methodOf(entries[noteIndex]);
  if (noteMethod !== undefined && noteMethod !== 'POST' && noteMethod !== 'PUT') {
    out.push(
      issue(
        'value',
        `${at(noteIndex)}.request.method: the note entry's method must be POST (cdl-bundle-creation-note) or PUT (cdl-bundle-maj-note), got '${show(noteMethod)}'`,
        `${at(noteIndex)}.request.method`,
      ),
    );
  }

  const counts = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const rt = resourceTypeOf(entry);
    const isNote = rt === 'DocumentReference';
    const max = rt === undefined ? undefined : ACTOR_SLICES.get(rt);
    if (!isNote && max === undefined) {
      if (options.rejectOtherEntries) {
        const what = rt === undefined ? 'an entry without a resource' : `a ${rt} entry`;
        out.push(issue('value', `${at(i)}: ${what} is not allowed in a CdL note transaction`, at(i)));
      }
      return;
    }
    if (!isObject(entry.request)) {
      out.push(issue('required', `${at(i)}: a transaction entry must have a request (bdl-3)`, `${at(i)}.request`));
    } else if (!isNote) {
      const method = entry.request.method;
      if (method !== undefined && method !== 'POST' && method !== 'PUT') {
        out.push(
          issue('invariant', `${at(i)}.request.method: a ${rt} entry's method must be POST (new) or PUT (existing) (req-met-1), got '${show(method)}'`, `${at(i)}.request.method`),
        );
      }
    }
    if (entry.response !== undefined) {
      out.push(issue('value', `${at(i)}.response: not allowed in a CdL note transaction (cardinality 0..0)`, `${at(i)}.response`));
    }
    if (isNote) return;
    const n = (counts.get(rt!) ?? 0) + 1;
    counts.set(rt!, n);
    if (max !== -1 && n > max!) {
      out.push(issue('value', `${at(i)}: at most ${max} ${rt} entry in a CdL note transaction (slice entry:${rt} 0..${max})`, at(i)));
    }
  });
  return out;
}

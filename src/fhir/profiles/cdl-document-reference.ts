/**
 * The rules of the CdL note profile (cdl-document-reference, IG ans.fhir.fr.cdl 3.0.0) that the
 * base R4 definitions do not already enforce, applied to every DocumentReference the server stores.
 *
 * Pure function; it complements the structure validator: values of the wrong JSON shape (a string
 * where an object is expected...) are left to it and not reported twice.
 *
 * References: `subject` and `author` must be `Type/id` references (optionally versioned). A
 * `urn:uuid:` reference is accepted here because inside a transaction it points to another entry:
 * the transaction engine rewrites such references to `Type/id` once the entries have ids, and
 * validates the note again afterwards, where the target type is checked.
 */
import type { Issue } from '../errors.js';
import { issue } from '../errors.js';
import { extensions, noteAuthorTypes, typeNote, valueSets, visibilityStatus, type CodeSystemInfo } from '../terminology.js';

type Json = Record<string, unknown>;

const PROFILE = 'cdl-document-reference';
const TYPE_NOTE_VS = valueSets.typeNote.url;
const VISIBILITY_VS = valueSets.visibility.url;
const ALLOWED_STATUS: readonly string[] = ['current', 'superseded', 'entered-in-error'];
/** Elements the profile forbids, with the name of their primitive extension sibling. */
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [
  ['docStatus', '_docStatus'],
  ['authenticator', '_authenticator'],
  ['custodian', '_custodian'],
];
const TYPED_REFERENCE = /^([A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

function codeListOf(cs: CodeSystemInfo): string {
  let list = '';
  for (const code in cs.codes) list = list === '' ? code : `${list} | ${code}`;
  return list;
}

const expectedForms = (allowed: readonly string[]): string => allowed.map((t) => `${t}/id`).join(' | ');

/** Checks one reference to an actor: `Type/id` with Type among `allowed`, or `urn:uuid:` (resolved later). */
function checkActorReference(ref: unknown, at: string, allowed: readonly string[], out: Issue[]): void {
  if (!isObject(ref)) return;
  const value = ref.reference;
  if (value === undefined) {
    out.push(issue('required', `${at}: the ${PROFILE} profile requires a literal reference (${expectedForms(allowed)})`, `${at}.reference`));
    return;
  }
  if (typeof value !== 'string' || value.startsWith('urn:uuid:')) return;
  const m = TYPED_REFERENCE.exec(value);
  if (!m || !allowed.includes(m[1]!)) {
    out.push(issue('value', `${at}.reference: '${show(value)}' is not a reference to ${allowed.join(' | ')} (expected ${expectedForms(allowed)})`, `${at}.reference`));
  }
}

/**
 * Checks the codings of a CodeableConcept bound to a CdL code system: at least one valid coding
 * (`atLeastOne`, required binding semantics: others may be translations), else every coding valid.
 */
function checkCodings(concept: Json, at: string, cs: CodeSystemInfo, valueSetName: string, out: Issue[], atLeastOne: boolean): void {
  const codings = concept.coding;
  if (codings === undefined || (Array.isArray(codings) && codings.length === 0)) {
    out.push(issue('code-invalid', `${at}: a coding from ${cs.url} (value set ${valueSetName}) is required`, at));
    return;
  }
  if (!Array.isArray(codings)) return;
  if (atLeastOne) {
    for (const c of codings) {
      if (isObject(c) && c.system === cs.url && typeof c.code === 'string' && Object.hasOwn(cs.codes, c.code)) return;
    }
  }
  codings.forEach((c, j) => {
    if (!isObject(c)) return;
    const cat = `${at}.coding[${j}]`;
    if (c.system !== cs.url) {
      const got = c.system === undefined ? 'no system' : `system '${show(c.system)}'`;
      out.push(issue('code-invalid', `${cat}: ${got}; the value set ${valueSetName} expects the system ${cs.url}`, `${cat}.system`));
    } else if (typeof c.code !== 'string' || !Object.hasOwn(cs.codes, c.code)) {
      out.push(issue('code-invalid', `${cat}.code: '${show(c.code)}' is not in the value set ${valueSetName} (${codeListOf(cs)})`, `${cat}.code`));
    }
  });
}

function checkIsEmergency(resource: Json, root: string, out: Issue[]): void {
  const list = resource.extension;
  if (!Array.isArray(list)) return;
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    const ext: unknown = list[i];
    if (!isObject(ext) || ext.url !== extensions.isEmergency) continue;
    const at = `${root}.extension[${i}]`;
    if (++seen > 1) out.push(issue('value', `${at}: the is-emergency extension appears more than once (at most 1)`, at));
    if (ext.valueBoolean === undefined) {
      out.push(issue('required', `${at}: the is-emergency extension requires valueBoolean`, `${at}.valueBoolean`));
    }
    for (const key in ext) {
      if (key !== 'valueBoolean' && key.startsWith('value')) {
        out.push(issue('structure', `${at}: the is-emergency extension takes valueBoolean only, not ${key}`, `${at}.${key}`));
      }
    }
    if (ext.extension !== undefined) {
      out.push(issue('value', `${at}: the is-emergency extension has no nested extensions (0..0)`, `${at}.extension`));
    }
  }
}

/**
 * Checks a DocumentReference against the CdL note profile. `path` is its FHIRPath in its container
 * (default `DocumentReference`; `Bundle.entry[0].resource` inside a transaction).
 */
export function validateCdlDocumentReference(resource: unknown, path?: string): Issue[] {
  const root = path ?? 'DocumentReference';
  const out: Issue[] = [];
  if (!isObject(resource) || resource.resourceType !== 'DocumentReference') {
    out.push(issue('structure', `${root}: the ${PROFILE} profile applies to DocumentReference resources only`, root));
    return out;
  }

  const status = resource.status;
  if (status === undefined) {
    out.push(issue('required', `Missing required element 'status' in ${root} (cardinality 1..1)`, `${root}.status`));
  } else if (typeof status === 'string' && !ALLOWED_STATUS.includes(status)) {
    out.push(issue('code-invalid', `${root}.status: value '${status}' is not allowed by ${PROFILE} (${ALLOWED_STATUS.join(' | ')})`, `${root}.status`));
  }

  for (const [name, extName] of FORBIDDEN) {
    if (resource[name] !== undefined || resource[extName] !== undefined) {
      out.push(issue('value', `${root}.${name}: not allowed by the ${PROFILE} profile (cardinality 0..0)`, `${root}.${name}`));
    }
  }

  const type = resource.type;
  if (type === undefined) {
    out.push(issue('required', `Missing required element 'type' in ${root} (cardinality 1..1, ${PROFILE})`, `${root}.type`));
  } else if (isObject(type)) {
    checkCodings(type, `${root}.type`, typeNote, TYPE_NOTE_VS, out, true);
  }

  const subject = resource.subject;
  if (subject === undefined) {
    out.push(issue('required', `Missing required element 'subject' in ${root} (cardinality 1..1, ${PROFILE})`, `${root}.subject`));
  } else {
    checkActorReference(subject, `${root}.subject`, ['Patient'], out);
  }

  const author = resource.author;
  if (author === undefined) {
    out.push(issue('required', `Missing required element 'author' in ${root} (cardinality 1..*, ${PROFILE})`, `${root}.author`));
  } else if (Array.isArray(author)) {
    for (let i = 0; i < author.length; i++) checkActorReference(author[i], `${root}.author[${i}]`, noteAuthorTypes, out);
  }

  const labels = resource.securityLabel;
  if (Array.isArray(labels)) {
    if (labels.length > 1) {
      out.push(issue('value', `${root}.securityLabel: ${labels.length} values, at most 1 allowed by ${PROFILE}`, `${root}.securityLabel`));
    }
    labels.forEach((label, i) => {
      if (isObject(label)) checkCodings(label, `${root}.securityLabel[${i}]`, visibilityStatus, VISIBILITY_VS, out, false);
    });
  }

  if (resource.content === undefined) {
    out.push(issue('required', `Missing required element 'content' in ${root} (cardinality 1..*)`, `${root}.content`));
  }

  checkIsEmergency(resource, root, out);
  return out;
}

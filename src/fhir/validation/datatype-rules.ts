/**
 * Rules of particular datatypes applied after their structural check: Extension (ext-1: a value or
 * nested extensions, exactly one of them), Attachment (att-1: data needs a contentType) and
 * Reference (format of `reference`, allowed target type, contained target exists).
 */
import type { Issue } from '../errors.js';
import { issue } from '../errors.js';
import { showValue } from './primitive-formats.js';
import { parseReference } from './reference-format.js';

type Json = Record<string, unknown>;

/** Ext-1, strengthened: an extension carries exactly one of value[x] and nested extensions. */
export function checkExtension(ext: Json, path: string, out: Issue[]): void {
  let hasValue = false;
  for (const key in ext) {
    if (key.startsWith('value') || key.startsWith('_value')) {
      hasValue = true;
      break;
    }
  }
  const hasNested = ext.extension !== undefined;
  if (hasValue && hasNested) {
    out.push(issue('invariant', `${path}: an extension must have either a value[x] or nested extensions, not both (ext-1)`, path));
  } else if (!hasValue && !hasNested) {
    out.push(issue('invariant', `${path}: an extension must have a value[x] or nested extensions`, path));
  }
}

/** Att-1: an attachment with data has a contentType. */
export function checkAttachment(att: Json, path: string, out: Issue[]): void {
  if (att.data !== undefined && att.contentType === undefined) {
    out.push(issue('invariant', `${path}: an attachment with data must have a contentType (att-1)`, `${path}.contentType`));
  }
}

export interface ReferenceContext {
  isResourceType(name: string): boolean;
  /** Ids of the contained resources of the enclosing resource, with their types. */
  contained: ReadonlyMap<string, string> | undefined;
}

const allowed = (targets: ReadonlySet<string>): string => [...targets].join(' | ');

/** Checks `Reference.reference`: its form and, for `Type/id` and `#id`, the target type. */
export function checkReference(ref: Json, path: string, targets: ReadonlySet<string> | undefined, ctx: ReferenceContext, out: Issue[]): void {
  const value = ref.reference;
  if (typeof value !== 'string' || value === '') return;
  const at = `${path}.reference`;
  const parsed = parseReference(value, ctx.isResourceType);
  switch (parsed.kind) {
    case 'invalid':
      out.push(issue('value', `${at}: invalid reference '${showValue(value)}': ${parsed.reason}`, at));
      return;
    case 'relative':
      if (targets && !targets.has(parsed.type)) {
        out.push(issue('value', `${at}: a reference to ${parsed.type} is not allowed here (allowed: ${allowed(targets)})`, at));
      }
      return;
    case 'contained': {
      if (parsed.id === '') return;
      const type = ctx.contained?.get(parsed.id);
      if (type === undefined) {
        out.push(issue('value', `${at}: no contained resource has the id '${showValue(parsed.id)}'`, at));
      } else if (targets && !targets.has(type)) {
        out.push(issue('value', `${at}: a reference to ${type} is not allowed here (allowed: ${allowed(targets)})`, at));
      }
      return;
    }
    default:
      return;
  }
}

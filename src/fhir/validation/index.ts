/**
 * The validator the server runs on every write: base R4 structure, plus, with `cdlProfile`, the
 * CdL rules (cdl-document-reference for every DocumentReference, the note transaction profiles
 * for transaction Bundles carrying a note, and the note rules for the note entries of a
 * transaction or batch Bundle). Issues reported by both layers at the same place with the same
 * code are reported once.
 */
import type { Definitions } from '../definitions/model.js';
import type { Issue } from '../errors.js';
import { validateCdlTransactionBundle, type CdlBundleOptions } from '../profiles/cdl-bundles.js';
import { validateCdlDocumentReference } from '../profiles/cdl-document-reference.js';
import { createStructureValidator, type StructureValidatorOptions } from './structure-validator.js';

export { createStructureValidator, type StructureValidator, type StructureValidatorOptions } from './structure-validator.js';
export { validateCdlDocumentReference } from '../profiles/cdl-document-reference.js';
export { cdlBundleProfileOf, validateCdlTransactionBundle, type CdlBundleOptions, type CdlBundleProfile } from '../profiles/cdl-bundles.js';

export interface ValidatorOptions extends StructureValidatorOptions, CdlBundleOptions {
  /** Apply the CdL profile rules on top of the base R4 structure. */
  cdlProfile: boolean;
}

export interface ResourceValidator {
  /**
   * Validates a resource; `path` is its FHIRPath in its container (default: its type).
   * Returns every issue found (empty = valid).
   */
  validate(resource: unknown, path?: string): Issue[];
  /**
   * The same issues split by layer: `structural` (base R4: malformed content) and `profile`
   * (CdL rules, without those already reported by the structure layer; empty without `cdlProfile`).
   */
  validateLayers(resource: unknown, path?: string): { structural: Issue[]; profile: Issue[] };
  /** The note transaction rules alone (cdl-bundle-creation-note / cdl-bundle-maj-note); empty without `cdlProfile`. */
  validateTransaction(bundle: unknown, path?: string): Issue[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const issueKey = (i: Issue): string => `${i.code} ${i.expression?.join(',') ?? ''}`;

/** The issues of `extra` not already reported in `reported` with the same code and place. */
function newIssues(reported: Issue[], extra: Issue[]): Issue[] {
  if (extra.length === 0 || reported.length === 0) return extra;
  const seen = new Set<string>();
  for (const i of reported) seen.add(issueKey(i));
  const out: Issue[] = [];
  for (const i of extra) {
    const key = issueKey(i);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(i);
    }
  }
  return out;
}

function cdlIssues(resource: Json, path: string | undefined, options: CdlBundleOptions): Issue[] {
  if (resource.resourceType === 'DocumentReference') return validateCdlDocumentReference(resource, path);
  if (resource.resourceType !== 'Bundle') return [];
  const root = path ?? 'Bundle';
  const out = validateCdlTransactionBundle(resource, root, options);
  if ((resource.type === 'transaction' || resource.type === 'batch') && Array.isArray(resource.entry)) {
    resource.entry.forEach((entry: unknown, i: number) => {
      if (isObject(entry) && isObject(entry.resource) && entry.resource.resourceType === 'DocumentReference') {
        out.push(...validateCdlDocumentReference(entry.resource, `${root}.entry[${i}].resource`));
      }
    });
  }
  return out;
}

/** Creates the server's validator: structure (+ CdL rules when `cdlProfile`). */
export function createValidator(defs: Definitions, options: ValidatorOptions = { cdlProfile: true }): ResourceValidator {
  const structure = createStructureValidator(defs, options);
  const validateLayers = (resource: unknown, path?: string): { structural: Issue[]; profile: Issue[] } => {
    const structural = structure.validate(resource, path);
    const profile = options.cdlProfile && isObject(resource) ? newIssues(structural, cdlIssues(resource, path, options)) : [];
    return { structural, profile };
  };
  return {
    validate(resource, path) {
      const { structural, profile } = validateLayers(resource, path);
      for (const i of profile) structural.push(i);
      return structural;
    },
    validateLayers,
    validateTransaction: (bundle, path) => (options.cdlProfile ? validateCdlTransactionBundle(bundle, path, options) : []),
  };
}

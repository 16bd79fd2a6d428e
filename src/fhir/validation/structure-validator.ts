/**
 * Validation of any FHIR R4 resource (JSON) against the base definitions: known elements,
 * cardinalities, arrays vs single values, choice elements, primitive JSON types and formats,
 * primitive extension siblings (`_x`), required bindings, references, narrative, contained
 * resources. Pure and framework-free; every shape is compiled once and cached in the instance.
 */
import type { Definitions } from '../definitions/model.js';
import type { Issue, IssueCode } from '../errors.js';
import { issue } from '../errors.js';
import { createSchema, type ChoiceGroup, type Prop, type Schema, type SchemaNode } from './compiled-schema.js';
import { checkAttachment, checkExtension, checkReference } from './datatype-rules.js';
import { checkCode, checkCodeableConcept, checkCoding } from './value-set-bindings.js';
import { createXhtmlChecker, type XhtmlChecker } from './xhtml-narrative.js';

export interface StructureValidator {
  /**
   * Validates a resource. `path` is the FHIRPath of the resource in its container (for example
   * `Bundle.entry[2].resource`); by default the resource type. Returns the issues (empty = valid).
   */
  validate(resource: unknown, path?: string): Issue[];
}

export interface StructureValidatorOptions {
  /** Issues reported at most (the rest are summarized in one issue). Default 100. */
  maxIssues?: number;
  /** Deepest object nesting accepted. Default 64. */
  maxDepth?: number;
}

type Json = Record<string, unknown>;

interface Ctx {
  issues: Issue[];
  /** Contained resources of the enclosing resource: id → resource type. */
  contained: Map<string, string> | undefined;
  depth: number;
  isResourceType(name: string): boolean;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const jsonTypeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const cardinality = (p: Prop): string => `${p.min}..${p.max === -1 ? '*' : p.max}`;

function report(ctx: Ctx, code: IssueCode, diagnostics: string, path: string): void {
  ctx.issues.push(issue(code, diagnostics, path));
}

function containedIndex(resource: Json): Map<string, string> | undefined {
  const list = resource.contained;
  if (!Array.isArray(list)) return undefined;
  const map = new Map<string, string>();
  for (const r of list) {
    if (isObject(r) && typeof r.id === 'string' && typeof r.resourceType === 'string') map.set(r.id, r.resourceType);
  }
  return map;
}

/** Rules of contained resources: an id, no nested contained (dom-2), no version/lastUpdated/security (dom-4, dom-5). */
function checkContainedRules(resource: Json, path: string, ctx: Ctx): void {
  if (resource.id === undefined) report(ctx, 'invariant', `${path}: a contained resource must have an id`, path);
  if (resource.contained !== undefined) {
    report(ctx, 'invariant', `${path}: a contained resource must not contain other resources (dom-2)`, `${path}.contained`);
  }
  const meta = resource.meta;
  if (isObject(meta)) {
    for (const key of ['versionId', 'lastUpdated'] as const) {
      if (meta[key] !== undefined) {
        report(ctx, 'invariant', `${path}: a contained resource must not have meta.${key} (dom-4)`, `${path}.meta.${key}`);
      }
    }
    if (meta.security !== undefined) {
      report(ctx, 'invariant', `${path}: a contained resource must not have meta.security (dom-5)`, `${path}.meta.security`);
    }
  }
}

/** Message for a property that is not an element of the node (slow path only). */
function unknownElement(node: SchemaNode, key: string, path: string, ctx: Ctx): void {
  if (key.charCodeAt(0) === 95) {
    const target = node.props.get(key.slice(1));
    if (target) {
      report(ctx, 'structure', `'${key}' is not allowed in ${path}: '${target.name}' is not a primitive element`, `${path}.${key}`);
      return;
    }
  }
  const choices = new Set<ChoiceGroup>();
  for (const p of node.props.values()) if (p.choice) choices.add(p.choice);
  for (const g of choices) {
    if (key.length > g.base.length && key.startsWith(g.base) && key.charCodeAt(g.base.length) <= 90 && key.charCodeAt(g.base.length) >= 65) {
      const names = g.names.length > 8 ? `${g.names.slice(0, 8).join(', ')}, ...` : g.names.join(', ');
      report(ctx, 'structure', `'${key}' is not a valid choice for ${g.path} in ${path} (allowed: ${names})`, `${path}.${key}`);
      return;
    }
  }
  if (key === 'resourceType') {
    report(ctx, 'structure', `Unexpected 'resourceType' in ${path}: only resources carry it`, `${path}.${key}`);
    return;
  }
  report(ctx, 'structure', `Unknown element '${key}' in ${path}`, `${path}.${key}`);
}

export function createStructureValidator(defs: Definitions, options: StructureValidatorOptions = {}): StructureValidator {
  const schema: Schema = createSchema(defs);
  const xhtml: XhtmlChecker = createXhtmlChecker();
  const maxIssues = options.maxIssues ?? 100;
  const maxDepth = options.maxDepth ?? 64;
  const isResourceType = schema.isResourceType;

  const nodeOf = (prop: Prop): SchemaNode | undefined => prop.node ?? (prop.node = schema.node(prop.nodeKey!));

  function validateResource(value: unknown, path: string | undefined, ctx: Ctx, contained: boolean): void {
    const where = path ?? 'Resource';
    if (!isObject(value)) {
      report(ctx, 'structure', `${where}: expected a resource (JSON object), got ${jsonTypeName(value)}`, where);
      return;
    }
    const rt = value.resourceType;
    if (rt === undefined) {
      report(ctx, 'required', `${where}: resourceType is missing`, where);
      return;
    }
    const node = typeof rt === 'string' ? schema.resourceNode(rt) : undefined;
    if (!node) {
      report(ctx, 'structure', `${where}: '${String(rt)}' is not a known concrete resource type`, where);
      return;
    }
    const root = path ?? (rt as string);
    const saved = ctx.contained;
    if (!contained) ctx.contained = containedIndex(value);
    validateObject(node, value, root, ctx);
    if (contained) checkContainedRules(value, root, ctx);
    ctx.contained = saved;
  }

  function noteChoice(seen: Map<ChoiceGroup, string> | undefined, prop: Prop, path: string, ctx: Ctx): Map<ChoiceGroup, string> {
    const map = seen ?? new Map<ChoiceGroup, string>();
    const group = prop.choice!;
    const other = map.get(group);
    if (other === undefined) map.set(group, prop.name);
    else if (other !== prop.name) {
      report(ctx, 'structure', `${path}: only one of ${group.path} is allowed, found '${other}' and '${prop.name}'`, `${path}.${prop.name}`);
    }
    return map;
  }

  function validateObject(node: SchemaNode, obj: Json, path: string, ctx: Ctx): void {
    if (++ctx.depth > maxDepth) {
      report(ctx, 'structure', `${path}: nesting deeper than ${maxDepth} levels`, path);
      ctx.depth--;
      return;
    }
    const props = node.props;
    let count = 0;
    let choices: Map<ChoiceGroup, string> | undefined;
    for (const key in obj) {
      count++;
      const prop = props.get(key);
      if (prop !== undefined) {
        if (prop.choice) choices = noteChoice(choices, prop, path, ctx);
        visitProp(prop, obj[key], obj, path, ctx);
        continue;
      }
      if (key.charCodeAt(0) === 95 /* _ */) {
        const base = props.get(key.slice(1));
        if (base !== undefined && (base.kind === 'primitive' || base.kind === 'xhtml')) {
          if (base.choice) choices = noteChoice(choices, base, path, ctx);
          if (obj[base.name] === undefined) visitElementOnly(base, obj[key], path, ctx);
          continue;
        }
      } else if (key === 'resourceType' && node.isResource) {
        continue;
      }
      unknownElement(node, key, path, ctx);
    }
    if (count === 0) report(ctx, 'structure', `${path}: empty object is not allowed`, path);
    for (const r of node.required) {
      if (obj[r.name] === undefined && obj[r.extName] === undefined) {
        report(ctx, 'required', `Missing required element '${r.name}' in ${path} (cardinality ${cardinality(r)})`, `${path}.${r.name}`);
      }
    }
    for (const g of node.requiredChoices) {
      if (!g.names.some((n) => obj[n] !== undefined || obj[`_${n}`] !== undefined)) {
        report(ctx, 'required', `Missing required element '${g.base}[x]' in ${path}`, `${path}.${g.base}[x]`);
      }
    }
    if (node.hook === 'extension') checkExtension(obj, path, ctx.issues);
    else if (node.hook === 'attachment') checkAttachment(obj, path, ctx.issues);
    ctx.depth--;
  }

  function visitProp(prop: Prop, value: unknown, obj: Json, path: string, ctx: Ctx): void {
    const p = `${path}.${prop.name}`;
    if (prop.max === 0) {
      report(ctx, 'value', `${p}: element is not allowed (cardinality ${cardinality(prop)})`, p);
      return;
    }
    const ext = prop.kind === 'primitive' || prop.kind === 'xhtml' ? obj[prop.extName] : undefined;
    if (!prop.isArray) {
      if (Array.isArray(value)) {
        report(ctx, 'structure', `${p}: expected a single value, not an array (cardinality ${cardinality(prop)})`, p);
        return;
      }
      if (value === null) report(ctx, 'structure', `${p}: null is not allowed`, p);
      else visitValue(prop, value, p, ctx);
      if (ext !== undefined) visitElement(prop, ext, p, ctx);
      return;
    }
    if (!Array.isArray(value)) {
      report(ctx, 'structure', `${p}: expected an array (cardinality ${cardinality(prop)}), got ${jsonTypeName(value)}`, p);
      return;
    }
    const n = value.length;
    if (n === 0) {
      report(ctx, 'structure', `${p}: empty array is not allowed`, p);
      return;
    }
    if (prop.max > 0 && n > prop.max) report(ctx, 'value', `${p}: ${n} values, at most ${prop.max} allowed`, p);
    let extItems: unknown[] | undefined;
    if (ext !== undefined) {
      if (!Array.isArray(ext) || ext.length !== n) {
        report(ctx, 'structure', `${path}.${prop.extName}: must be an array of the same length as '${prop.name}' (${n})`, `${path}.${prop.extName}`);
      } else {
        extItems = ext;
      }
    }
    for (let i = 0; i < n; i++) {
      const item = value[i];
      const ip = `${p}[${i}]`;
      const e = extItems?.[i];
      if (item === null) {
        if (e === undefined || e === null) report(ctx, 'structure', `${ip}: null is only allowed when ${prop.extName}[${i}] carries an element`, ip);
      } else {
        visitValue(prop, item, ip, ctx);
      }
      if (e !== undefined && e !== null) visitElement(prop, e, ip, ctx);
    }
  }

  /** A primitive's `_name` element when the value itself is absent. */
  function visitElementOnly(prop: Prop, ext: unknown, path: string, ctx: Ctx): void {
    const p = `${path}.${prop.name}`;
    if (prop.max === 0) {
      report(ctx, 'value', `${p}: element is not allowed (cardinality ${cardinality(prop)})`, p);
      return;
    }
    if (!prop.isArray) {
      visitElement(prop, ext, p, ctx);
      return;
    }
    if (!Array.isArray(ext) || ext.length === 0) {
      report(ctx, 'structure', `${path}.${prop.extName}: expected a non-empty array`, `${path}.${prop.extName}`);
      return;
    }
    if (prop.max > 0 && ext.length > prop.max) report(ctx, 'value', `${p}: ${ext.length} values, at most ${prop.max} allowed`, p);
    for (let i = 0; i < ext.length; i++) {
      const e = ext[i];
      if (e === null) report(ctx, 'structure', `${p}[${i}]: neither a value nor an element`, `${p}[${i}]`);
      else visitElement(prop, e, `${p}[${i}]`, ctx);
    }
  }

  /** The id/extension element of a primitive (`_name` content), at the value's path. */
  function visitElement(prop: Prop, ext: unknown, p: string, ctx: Ctx): void {
    if (!isObject(ext)) {
      report(ctx, 'structure', `${p}: the primitive's element (_${prop.name}) must be an object, got ${jsonTypeName(ext)}`, p);
      return;
    }
    const node = nodeOf(prop);
    if (node) validateObject(node, ext, p, ctx);
  }

  function visitValue(prop: Prop, value: unknown, p: string, ctx: Ctx): void {
    switch (prop.kind) {
      case 'primitive': {
        const checker = prop.primitive!;
        if (typeof value !== checker.json) {
          report(ctx, 'structure', `${p}: expected a JSON ${checker.json} (${checker.type}), got ${jsonTypeName(value)}`, p);
          return;
        }
        if (value === '') {
          report(ctx, 'value', `${p}: empty string is not allowed`, p);
          return;
        }
        const problem = checker.check(value as string | number | boolean);
        if (problem !== undefined) {
          report(ctx, 'value', `${p}: ${problem}`, p);
          return;
        }
        if (prop.binding && typeof value === 'string') checkCode(prop.binding, value, p, ctx.issues);
        return;
      }
      case 'complex': {
        if (!isObject(value)) {
          report(ctx, 'structure', `${p}: expected an object (${prop.typeCode}), got ${jsonTypeName(value)}`, p);
          return;
        }
        const node = nodeOf(prop);
        if (!node) return;
        validateObject(node, value, p, ctx);
        if (prop.typeCode === 'Reference') checkReference(value, p, prop.targets, ctx, ctx.issues);
        else if (prop.binding) {
          if (prop.typeCode === 'CodeableConcept') checkCodeableConcept(prop.binding, value, p, ctx.issues);
          else if (prop.typeCode === 'Coding') checkCoding(prop.binding, value, p, ctx.issues);
        }
        return;
      }
      case 'resource':
        validateResource(value, p, ctx, prop.name === 'contained');
        return;
      case 'xhtml': {
        if (typeof value !== 'string') {
          report(ctx, 'structure', `${p}: expected a JSON string (xhtml), got ${jsonTypeName(value)}`, p);
          return;
        }
        const problem = xhtml.check(value);
        if (problem) report(ctx, problem.code, `${p}: ${problem.message}`, p);
        return;
      }
    }
  }

  return {
    validate(resource: unknown, path?: string): Issue[] {
      const ctx: Ctx = { issues: [], contained: undefined, depth: 0, isResourceType };
      validateResource(resource, path === '' ? undefined : path, ctx, false);
      if (ctx.issues.length > maxIssues) {
        const total = ctx.issues.length;
        ctx.issues.length = maxIssues;
        ctx.issues.push(issue('too-costly', `${total - maxIssues} more issues not reported`, path));
      }
      return ctx.issues;
    },
  };
}

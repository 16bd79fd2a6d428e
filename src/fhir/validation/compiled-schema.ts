/**
 * The definitions compiled for validation: one node per object shape (a resource, a complex
 * datatype, a BackboneElement path, the `_x` element of a primitive), each mapping JSON property
 * names (choice elements expanded: `valueString`, `valueBoolean`...) to what they accept.
 * Nodes are compiled lazily, on first use, and cached in the schema instance.
 */
import type { Definitions, ElementDef, TypeDef } from '../definitions/model.js';
import { compilePrimitiveChecker, type PrimitiveChecker } from './primitive-formats.js';
import { compileBinding, type CompiledBinding } from './value-set-bindings.js';

export type PropKind = 'primitive' | 'xhtml' | 'complex' | 'resource';

/** A choice element (`value[x]`): its JSON names share one group. */
export interface ChoiceGroup {
  /** The definition path, e.g. `Extension.value[x]`. */
  readonly path: string;
  /** Name without the `[x]`, e.g. `value`. */
  readonly base: string;
  readonly min: number;
  /** The JSON property names, e.g. `valueString`, `valueBoolean`. */
  readonly names: string[];
}

export interface Prop {
  /** JSON property name. */
  readonly name: string;
  /** Name of the primitive extension sibling: `_` + name. */
  readonly extName: string;
  readonly min: number;
  /** Maximum cardinality; -1 = unbounded. */
  readonly max: number;
  /** Whether the JSON value is an array (max is not 1). */
  readonly isArray: boolean;
  readonly kind: PropKind;
  /** The FHIR type code of the value (`code`, `Reference`, `BackboneElement`...). */
  readonly typeCode: string;
  /** For primitive and xhtml values. */
  readonly primitive?: PrimitiveChecker;
  /** Key of the node of the value (complex) or of the `_name` element (primitive). */
  readonly nodeKey?: string;
  /** For Reference values: the allowed target resource types (absent = any). */
  readonly targets?: ReadonlySet<string>;
  /** For a checked required binding. */
  readonly binding?: CompiledBinding;
  readonly choice?: ChoiceGroup;
  /** The compiled node of `nodeKey`, filled on first use. */
  node?: SchemaNode;
}

export type NodeHook = 'extension' | 'attachment' | undefined;

export interface SchemaNode {
  /** `DocumentReference`, `DocumentReference.content`, `Attachment`, `code`... */
  readonly key: string;
  /** Root node of a concrete resource type (`resourceType` is expected there). */
  readonly isResource: boolean;
  readonly props: ReadonlyMap<string, Prop>;
  /** Non-choice elements with min >= 1. */
  readonly required: readonly Prop[];
  /** Choice elements with min >= 1. */
  readonly requiredChoices: readonly ChoiceGroup[];
  /** Datatype-specific rules applied after the structural check. */
  readonly hook: NodeHook;
}

export interface Schema {
  /** The node of a key, compiled on first request; undefined when the definitions lack it. */
  node(key: string): SchemaNode | undefined;
  /** The root node of a concrete resource type; undefined for unknown or abstract types. */
  resourceNode(type: string): SchemaNode | undefined;
  isResourceType(name: string): boolean;
}

type Children = Map<string, Array<[name: string, path: string, def: ElementDef]>>;

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function createSchema(defs: Definitions): Schema {
  const nodes = new Map<string, SchemaNode | undefined>();
  const childrenByType = new Map<string, Children>();
  const primitives = new Map<string, PrimitiveChecker>();
  const bindings = new Map<string, CompiledBinding | undefined>();
  const resourceTypes = new Set<string>();
  for (const name in defs.types) {
    const t = defs.types[name]!;
    if (t.kind === 'resource' && !t.abstract) resourceTypes.add(name);
  }

  const primitive = (type: string): PrimitiveChecker => {
    let c = primitives.get(type);
    if (!c) primitives.set(type, (c = compilePrimitiveChecker(defs, type)));
    return c;
  };

  const binding = (valueSet: string): CompiledBinding | undefined => {
    if (!bindings.has(valueSet)) bindings.set(valueSet, compileBinding(defs, valueSet));
    return bindings.get(valueSet);
  };

  const childrenOf = (td: TypeDef): Children => {
    let children = childrenByType.get(td.name);
    if (children) return children;
    children = new Map();
    for (const path in td.elements) {
      const dot = path.lastIndexOf('.');
      if (dot === -1) continue;
      const parent = path.slice(0, dot);
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push([path.slice(dot + 1), path, td.elements[path]!]);
    }
    childrenByType.set(td.name, children);
    return children;
  };

  const makeProp = (
    td: TypeDef,
    children: Children,
    name: string,
    path: string,
    own: ElementDef,
    typeCode: string,
    targets: string[] | undefined,
    choice: ChoiceGroup | undefined,
    isResourceId: boolean,
  ): Prop => {
    let compiledBinding: CompiledBinding | undefined;
    const defForBinding = own.ref ? td.elements[own.ref] : own;
    if (defForBinding?.binding?.strength === 'required') {
      const b = binding(defForBinding.binding.valueSet);
      compiledBinding = b?.kind === 'mime' && path === 'CapabilityStatement.format' ? { ...b, formatShortcuts: true } : b;
    }
    let kind: PropKind;
    let checker: PrimitiveChecker | undefined;
    let nodeKey: string | undefined;
    if (typeCode === 'Resource' || resourceTypes.has(typeCode)) {
      kind = 'resource';
    } else if (typeCode === 'xhtml') {
      kind = 'xhtml';
      checker = primitive('xhtml');
      nodeKey = 'xhtml';
    } else if (defs.types[typeCode]?.kind === 'primitive-type') {
      kind = 'primitive';
      checker = primitive(isResourceId ? 'id' : typeCode);
      nodeKey = typeCode;
    } else {
      kind = 'complex';
      const backbonePath = own.ref ?? path;
      const isBackbone = (typeCode === 'BackboneElement' || typeCode === 'Element') && children.has(backbonePath);
      nodeKey = isBackbone ? backbonePath : typeCode;
    }
    // Every Prop has the same fields, in the same order: one hidden class for the hot paths.
    return {
      name,
      extName: `_${name}`,
      min: choice ? 0 : own.min,
      max: own.max,
      isArray: own.max !== 1 && own.max !== 0,
      kind,
      typeCode,
      primitive: checker,
      nodeKey,
      targets: kind === 'complex' && targets && targets.length > 0 ? new Set(targets) : undefined,
      binding: compiledBinding,
      choice,
      node: undefined,
    };
  };

  const compile = (key: string): SchemaNode | undefined => {
    const dot = key.indexOf('.');
    const typeName = dot === -1 ? key : key.slice(0, dot);
    const td = defs.types[typeName];
    if (!td) return undefined;
    const children = childrenOf(td);
    const list = children.get(key);
    if (!list) return undefined;
    const isResource = td.kind === 'resource' && dot === -1;
    const props = new Map<string, Prop>();
    const required: Prop[] = [];
    const requiredChoices: ChoiceGroup[] = [];
    for (const [name, path, own] of list) {
      const def = own.ref ? td.elements[own.ref] : own;
      const types = def?.types ?? [];
      if (name.endsWith('[x]')) {
        const base = name.slice(0, -3);
        const group: ChoiceGroup = { path, base, min: own.min, names: [] };
        for (const t of types) {
          const jsonName = base + capitalize(t.code);
          group.names.push(jsonName);
          props.set(jsonName, makeProp(td, children, jsonName, path, own, t.code, t.targets, group, false));
        }
        if (own.min > 0) requiredChoices.push(group);
        continue;
      }
      const t = types[0];
      if (!t) continue;
      const prop = makeProp(td, children, name, path, own, t.code, t.targets, undefined, isResource && name === 'id');
      props.set(name, prop);
      if (own.min > 0) required.push(prop);
    }
    const hook: NodeHook = key === 'Extension' ? 'extension' : key === 'Attachment' ? 'attachment' : undefined;
    return { key, isResource, props, required, requiredChoices, hook };
  };

  const node = (key: string): SchemaNode | undefined => {
    if (nodes.has(key)) return nodes.get(key);
    const n = compile(key);
    nodes.set(key, n);
    return n;
  };

  return {
    node,
    resourceNode: (type) => (resourceTypes.has(type) ? node(type) : undefined),
    isResourceType: (name) => resourceTypes.has(name),
  };
}

/**
 * Derives the compact definitions model from the official R4 JSON definitions
 * (StructureDefinitions, SearchParameters, ValueSets, CodeSystems).
 */
import type { BindingStrength, Definitions, ElementDef, SearchParamDef, TypeDef, TypeRef, ValueSetExpansion } from './model.js';

/* Minimal shapes of the source resources (only what is read). */
interface SdElement {
  path: string;
  min?: number;
  max?: string;
  type?: Array<{ code: string; targetProfile?: string[]; extension?: Array<{ url: string; valueUrl?: string; valueString?: string }> }>;
  contentReference?: string;
  binding?: { strength: BindingStrength; valueSet?: string };
  isSummary?: boolean;
  isModifier?: boolean;
}
interface StructureDefinition {
  resourceType: 'StructureDefinition';
  name: string;
  type: string;
  kind: TypeDef['kind'];
  abstract?: boolean;
  derivation?: string;
  baseDefinition?: string;
  snapshot?: { element: SdElement[] };
}
interface SearchParameter {
  resourceType: 'SearchParameter';
  code: string;
  url: string;
  type: SearchParamDef['type'];
  base: string[];
  expression?: string;
  target?: string[];
  component?: Array<{ definition: string; expression: string }>;
}
interface Concept { code: string; concept?: Concept[] }
interface CodeSystem { resourceType: 'CodeSystem'; url: string; concept?: Concept[]; content?: string }
interface ValueSet {
  resourceType: 'ValueSet';
  url: string;
  compose?: {
    include?: Array<{ system?: string; concept?: Array<{ code: string }>; filter?: unknown[]; valueSet?: string[] }>;
    exclude?: unknown[];
  };
}
export interface SourceBundle { entry?: Array<{ resource?: unknown }> }

export interface DefinitionSources {
  version: string;
  types: SourceBundle[];
  resources: SourceBundle[];
  searchParameters: SourceBundle[];
  terminology: SourceBundle[];
}

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';

const resourcesOf = <T>(bundles: SourceBundle[], resourceType: string): T[] =>
  bundles.flatMap((b) => (b.entry ?? []).map((e) => e.resource as { resourceType?: string } | undefined))
    .filter((r): r is { resourceType: string } => r?.resourceType === resourceType) as T[];

const stripVersion = (url: string): string => url.split('|')[0]!;
const lastSegment = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

function typeRefOf(t: NonNullable<SdElement['type']>[number]): TypeRef {
  let code = t.code;
  if (code.startsWith('http://hl7.org/fhirpath/System.')) {
    code = t.extension?.find((x) => x.url === FHIR_TYPE_EXT)?.valueUrl ?? 'string';
  }
  const targets = (t.targetProfile ?? []).map(lastSegment).filter((x) => x !== 'Resource');
  return targets.length > 0 ? { code, targets } : { code };
}

function compactElement(e: SdElement): ElementDef {
  const out: ElementDef = { min: e.min ?? 0, max: e.max === undefined || e.max === '*' ? -1 : Number(e.max) };
  if (e.contentReference) out.ref = e.contentReference.replace(/^.*#/, '');
  else if (e.type) out.types = e.type.map(typeRefOf);
  if (e.binding?.valueSet) out.binding = { strength: e.binding.strength, valueSet: stripVersion(e.binding.valueSet) };
  if (e.isSummary) out.summary = true;
  if (e.isModifier) out.modifier = true;
  return out;
}

function compactType(sd: StructureDefinition): TypeDef {
  const elements: Record<string, ElementDef> = {};
  const td: TypeDef = { name: sd.type, kind: sd.kind, elements };
  if (sd.abstract) td.abstract = true;
  if (sd.baseDefinition) td.base = lastSegment(sd.baseDefinition);
  for (const e of sd.snapshot?.element ?? []) {
    if (sd.kind === 'primitive-type' && e.path === `${sd.type}.value`) {
      const t = e.type?.[0];
      const regex = t?.extension?.find((x) => x.url === REGEX_EXT)?.valueString;
      if (regex) td.regex = regex;
      const sys = t?.code ?? '';
      td.jsonType = sys.endsWith('Boolean') ? 'boolean' : sys.endsWith('Integer') || sys.endsWith('Decimal') ? 'number' : 'string';
      continue;
    }
    elements[e.path] = compactElement(e);
  }
  return td;
}

/** Keeps the `|`-separated parts of a multi-base expression that apply to `type`. */
export function expressionFor(expression: string, type: string): string | undefined {
  const parts = splitTopLevelUnion(expression);
  const kept = parts.filter((p) => {
    const head = p.trim().replace(/^\(+/, '');
    const name = /^[A-Za-z]+/.exec(head)?.[0];
    return name === type || name === 'Resource';
  });
  return kept.length > 0 ? kept.map((p) => p.trim()).join(' | ') : undefined;
}

function splitTopLevelUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && c === '|') {
      parts.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts;
}

function buildSearchParams(params: SearchParameter[], resourceTypes: string[]): Definitions['searchParams'] {
  const out: Definitions['searchParams'] = {};
  for (const t of resourceTypes) out[t] = {};
  for (const sp of params) {
    const bases = sp.base.includes('Resource') || sp.base.includes('DomainResource') ? resourceTypes : sp.base;
    for (const base of bases) {
      const byCode = out[base];
      if (!byCode || byCode[sp.code]) continue;
      const def: SearchParamDef = { code: sp.code, url: sp.url, type: sp.type };
      if (sp.expression) {
        const expr = expressionFor(sp.expression, base);
        if (!expr) continue;
        def.expression = expr;
      }
      if (sp.target && sp.target.length > 0) def.targets = [...sp.target];
      if (sp.component) def.components = sp.component.map((c) => ({ definition: c.definition, expression: c.expression }));
      byCode[sp.code] = def;
    }
  }
  return out;
}

function flattenConcepts(concepts: Concept[] | undefined, out: string[]): string[] {
  for (const c of concepts ?? []) {
    out.push(c.code);
    flattenConcepts(c.concept, out);
  }
  return out;
}

function expandValueSets(urls: Set<string>, terminology: SourceBundle[]): Record<string, ValueSetExpansion> {
  const codeSystems = new Map<string, CodeSystem>();
  for (const cs of resourcesOf<CodeSystem>(terminology, 'CodeSystem')) if (!codeSystems.has(cs.url)) codeSystems.set(cs.url, cs);
  const valueSets = new Map<string, ValueSet>();
  for (const vs of resourcesOf<ValueSet>(terminology, 'ValueSet')) if (!valueSets.has(vs.url)) valueSets.set(vs.url, vs);

  const expand = (url: string, seen: Set<string>): string[] | undefined => {
    if (seen.has(url)) return undefined;
    seen.add(url);
    const vs = valueSets.get(url);
    if (!vs?.compose?.include || (vs.compose.exclude && vs.compose.exclude.length > 0)) return undefined;
    const codes: string[] = [];
    for (const inc of vs.compose.include) {
      if (inc.filter && inc.filter.length > 0) return undefined;
      for (const nested of inc.valueSet ?? []) {
        const sub = expand(stripVersion(nested), seen);
        if (!sub) return undefined;
        codes.push(...sub);
      }
      if (!inc.system) continue;
      if (inc.concept) {
        for (const c of inc.concept) codes.push(`${inc.system}|${c.code}`);
        continue;
      }
      const cs = codeSystems.get(inc.system);
      if (!cs || (cs.content && cs.content !== 'complete')) return undefined;
      for (const code of flattenConcepts(cs.concept, [])) codes.push(`${inc.system}|${code}`);
    }
    return codes;
  };

  const out: Record<string, ValueSetExpansion> = {};
  for (const url of urls) {
    const codes = expand(url, new Set());
    if (codes && codes.length > 0) out[url] = { codes };
  }
  return out;
}

export function buildCompactDefinitions(src: DefinitionSources): Definitions {
  const types: Record<string, TypeDef> = {};
  const sds = [...resourcesOf<StructureDefinition>(src.types, 'StructureDefinition'), ...resourcesOf<StructureDefinition>(src.resources, 'StructureDefinition')];
  for (const sd of sds) {
    // Only the base definitions of types (no constraints/profiles such as SimpleQuantity).
    if (sd.derivation === 'constraint' || !sd.snapshot) continue;
    if (!types[sd.type]) types[sd.type] = compactType(sd);
  }
  const resourceTypes = Object.values(types).filter((t) => t.kind === 'resource' && !t.abstract).map((t) => t.name);
  const searchParams = buildSearchParams(resourcesOf<SearchParameter>(src.searchParameters, 'SearchParameter'), resourceTypes);

  const required = new Set<string>();
  for (const t of Object.values(types)) {
    for (const e of Object.values(t.elements)) if (e.binding?.strength === 'required') required.add(e.binding.valueSet);
  }
  const valueSets = expandValueSets(required, src.terminology);
  return { fhirVersion: '4.0.1', source: src.version, types, searchParams, valueSets };
}

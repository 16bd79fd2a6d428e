/**
 * Index extraction at write time: for every indexed search parameter of a resource's type, the
 * entries (`IndexEntry`) its expression yields.
 *
 * Expressions are compiled once per indexer instance: into plain JS accessors by the path compiler
 * when they are simple paths (all but a handful of R4's), else through fhirpath.js (with
 * `resolve() is X` rewritten into a test on the reference, so no database access is needed).
 */
import type { Definitions, SearchParamDef } from '../definitions/model.js';
import { builderFor, type BuilderContext, type EntryBuilder, type Emit } from './entry-builders.js';
import { compileFallback } from './fhirpath-fallback.js';
import type { IndexEntry } from './index-entry.js';
import { isIndexedParam } from './indexed-params.js';
import { compilePath, UnsupportedExpression } from './path-compiler.js';

export { isIndexedParam };

export interface Indexer {
  /** All index entries of `resource` (deduplicated), for the parameters of its type. */
  extract(resource: { resourceType: string }): IndexEntry[];
  /** The search parameters indexed for `type` (empty for a type the indexer was not built for). */
  paramsFor(type: string): SearchParamDef[];
  /** How each parameter of `type` is evaluated: 'compiled' (JS accessors) or 'fhirpath'. */
  strategyOf(type: string, code: string): 'compiled' | 'fhirpath' | undefined;
}

type Extractor = (resource: unknown, emit: Emit) => void;

interface CompiledParam {
  def: SearchParamDef;
  strategy: 'compiled' | 'fhirpath';
  run: Extractor;
}

function entryKey(e: IndexEntry): string {
  switch (e.kind) {
    case 'token':
      return `t\u0001${e.param}\u0001${e.system ?? '\u0000'}\u0001${e.code ?? '\u0000'}\u0001${e.text ?? '\u0000'}`;
    case 'string':
      return `s\u0001${e.param}\u0001${e.exact}`;
    case 'date':
      return `d\u0001${e.param}\u0001${e.start}\u0001${e.end}`;
    case 'reference':
      return `r\u0001${e.param}\u0001${e.targetType ?? '\u0000'}\u0001${e.targetId ?? '\u0000'}\u0001${e.url ?? '\u0000'}`;
    case 'number':
      return `n\u0001${e.param}\u0001${e.low}\u0001${e.high}`;
    case 'quantity':
      return `q\u0001${e.param}\u0001${e.system ?? '\u0000'}\u0001${e.code ?? '\u0000'}\u0001${e.unit ?? '\u0000'}\u0001${e.low}\u0001${e.high}`;
    case 'uri':
      return `u\u0001${e.param}\u0001${e.uri}`;
  }
}

/** JS accessors for `def`, or undefined when its expression is outside the compiler's grammar. */
function compileAccessors(defs: Definitions, resourceType: string, def: SearchParamDef, ctx: BuilderContext): Extractor | undefined {
  let branches;
  try {
    branches = compilePath(defs, resourceType, def.expression!);
  } catch (e) {
    if (e instanceof UnsupportedExpression) return undefined;
    throw e;
  }
  const code = def.code;
  const parts: Extractor[] = [];
  for (const branch of branches) {
    const builder = builderFor(def.type, branch.type, ctx);
    if (builder) parts.push(branch.build<Emit>((value, emit) => builder(value, code, emit)));
  }
  if (parts.length === 1) return parts[0]!;
  return (resource, emit) => {
    for (let i = 0; i < parts.length; i++) parts[i]!(resource, emit);
  };
}

function compileParam(defs: Definitions, resourceType: string, def: SearchParamDef, ctx: BuilderContext, forceFhirpath: boolean): CompiledParam {
  const compiled = forceFhirpath ? undefined : compileAccessors(defs, resourceType, def, ctx);
  if (compiled) return { def, strategy: 'compiled', run: compiled };
  const expression = def.expression!;
  const code = def.code;
  const evaluate = compileFallback(expression);
  const builders = new Map<string, EntryBuilder | undefined>();
  const run: Extractor = (resource, emit) => {
    for (const { type, value } of evaluate(resource)) {
      let builder = builders.get(type);
      if (builder === undefined && !builders.has(type)) {
        builder = builderFor(def.type, type, ctx);
        builders.set(type, builder);
      }
      builder?.(value, code, emit);
    }
  };
  return { def, strategy: 'fhirpath', run };
}

export interface IndexerOptions {
  /** Evaluate every expression with fhirpath.js (slow; for cross-checking the compiler). */
  forceFhirpath?: boolean;
}

/**
 * Builds the indexer for `resourceTypes`, compiling every indexed parameter of those types.
 * Indexed: all parameters with an expression except `_id`, `_lastUpdated` (the store keeps them),
 * `_text`, `_content`, `_query`, composite and special ones. `_tag`, `_security`, `_profile`,
 * `_source` are indexed.
 */
export function createIndexer(defs: Definitions, resourceTypes: string[], options: IndexerOptions = {}): Indexer {
  const ctx: BuilderContext = { isResourceType: (name) => defs.types[name]?.kind === 'resource' };
  const byType = new Map<string, CompiledParam[]>();
  for (const type of resourceTypes) {
    const params = defs.searchParams[type];
    if (!params) throw new Error(`no search parameters for resource type ${type}`);
    byType.set(
      type,
      Object.values(params)
        .filter(isIndexedParam)
        .map((def) => compileParam(defs, type, def, ctx, options.forceFhirpath === true)),
    );
  }
  return {
    extract(resource) {
      const compiled = byType.get(resource.resourceType);
      if (!compiled) throw new Error(`the indexer does not handle resource type ${resource.resourceType}`);
      const out: IndexEntry[] = [];
      const seen = new Set<string>();
      const emit: Emit = (e) => {
        const k = entryKey(e);
        if (seen.has(k)) return;
        seen.add(k);
        out.push(e);
      };
      for (let i = 0; i < compiled.length; i++) compiled[i]!.run(resource, emit);
      return out;
    },
    paramsFor(type) {
      return (byType.get(type) ?? []).map((c) => c.def);
    },
    strategyOf(type, code) {
      return byType.get(type)?.find((c) => c.def.code === code)?.strategy;
    },
  };
}

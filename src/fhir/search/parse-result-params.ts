/**
 * The result parameters of a search: `_count`, `_sort`, `_total`, `_summary`, `_elements`,
 * `_include`, `_revinclude`, `_cursor` (and `_format` / `_pretty`, accepted and ignored).
 */
import type { Definitions } from '../definitions/model.js';
import { errors } from '../errors.js';
import { isIndexedParam } from './indexed-params.js';
import { splitOrValues, unescapeValue } from './parse-values.js';
import type { IncludeSpec, SearchRequest, SortKey, SummaryMode, TotalMode } from './search-request.js';

export const RESULT_PARAMS: ReadonlySet<string> = new Set([
  '_count',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_cursor',
  '_format',
  '_pretty',
]);

/** Result parameters that may appear once only. */
const SINGLE = new Set(['_count', '_sort', '_total', '_summary', '_elements', '_cursor']);
const TOTALS = new Set<TotalMode>(['none', 'estimate', 'accurate']);
const SUMMARIES = new Set<SummaryMode>(['true', 'false', 'text', 'data', 'count']);
const SORTABLE_TYPES = new Set(['date', 'string', 'token', 'number']);

export interface ResultParamContext {
  defs: Definitions;
  resourceType: string;
  exposedTypes: ReadonlySet<string>;
  maxCount: number;
  /** Single-valued result parameters already seen. */
  seen: Set<string>;
}

const isResourceType = (defs: Definitions, name: string): boolean => defs.types[name]?.kind === 'resource';

function parseSort(ctx: ResultParamContext, value: string): SortKey[] {
  return splitOrValues(value).map((raw) => {
    const item = unescapeValue(raw).trim();
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    if (code === '_id') return { param: code, type: 'token', descending };
    if (code === '_lastUpdated') return { param: code, type: 'date', descending };
    const def = ctx.defs.searchParams[ctx.resourceType]?.[code];
    if (!def) throw errors.badRequest(`Unknown sort parameter '${code}' in '_sort' for ${ctx.resourceType}`);
    if (!SORTABLE_TYPES.has(def.type)) throw errors.badRequest(`Cannot sort by ${def.type} parameter '${code}' ('_sort')`);
    return { param: code, type: def.type, descending };
  });
}

function parseElements(ctx: ResultParamContext, value: string): string[] {
  const type = ctx.defs.types[ctx.resourceType];
  return splitOrValues(value).map((raw) => {
    let name = unescapeValue(raw).trim();
    if (name.startsWith(`${ctx.resourceType}.`)) name = name.slice(ctx.resourceType.length + 1);
    const path = `${ctx.resourceType}.${name}`;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name) || !(type?.elements[path] || type?.elements[`${path}[x]`])) {
      throw errors.badRequest(`Unknown element '${name}' in '_elements' for ${ctx.resourceType}`);
    }
    return name;
  });
}

/**
 * `_revinclude` wildcards (`Type:*`, `*`) as one spec per reference parameter: those of `Type`
 * (of every exposed type for `*`) that can refer to the searched type, or to anything with
 * `:iterate`.
 */
function reverseWildcard(ctx: ResultParamContext, sourceType: string | null, iterate: boolean): IncludeSpec[] {
  const sources = sourceType === null ? [...ctx.exposedTypes].sort() : [sourceType];
  const specs: IncludeSpec[] = [];
  for (const type of sources) {
    for (const [code, def] of Object.entries(ctx.defs.searchParams[type] ?? {})) {
      if (def.type !== 'reference' || !isIndexedParam(def)) continue;
      const targets = def.targets ?? [];
      if (!iterate && targets.length > 0 && !targets.includes(ctx.resourceType)) continue;
      specs.push({ sourceType: type, param: code, targetType: null, iterate });
    }
  }
  return specs;
}

/**
 * `Type:param[:TargetType]`, `Type:*` or `*`. For `_include` without `:iterate` the source type
 * must be the searched type; for `_revinclude` without it, the parameter must be able to refer
 * to the searched type. Reverse wildcards expand to one spec per parameter.
 */
function parseInclude(ctx: ResultParamContext, name: string, value: string, reverse: boolean, iterate: boolean): IncludeSpec[] {
  const { defs, resourceType } = ctx;
  const v = unescapeValue(value).trim();
  if (v === '*') {
    if (reverse) return reverseWildcard(ctx, null, iterate);
    return [{ sourceType: iterate ? '*' : resourceType, param: '*', targetType: null, iterate }];
  }
  const parts = v.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.length === 0)) {
    throw errors.badRequest(`Invalid '${name}' value '${v}': expected Type:parameter[:TargetType] or *`);
  }
  const [sourceType, param, target] = parts as [string, string, string | undefined];
  if (!isResourceType(defs, sourceType) || !ctx.exposedTypes.has(sourceType)) {
    throw errors.badRequest(`Unknown or unsupported resource type '${sourceType}' in '${name}'`);
  }
  if (!reverse && !iterate && sourceType !== resourceType) {
    throw errors.badRequest(`'${name}=${v}': the source type must be ${resourceType} (or use ${name}:iterate)`);
  }
  if (param === '*') {
    if (target !== undefined) throw errors.badRequest(`Invalid '${name}' value '${v}': a wildcard takes no target type`);
    return reverse ? reverseWildcard(ctx, sourceType, iterate) : [{ sourceType, param, targetType: null, iterate }];
  }
  const def = defs.searchParams[sourceType]?.[param];
  if (!def || def.type !== 'reference') throw errors.badRequest(`'${param}' is not a reference parameter of ${sourceType} ('${name}')`);
  const targets = def.targets ?? [];
  if (target !== undefined) {
    if (!isResourceType(defs, target) || (targets.length > 0 && !targets.includes(target))) {
      throw errors.badRequest(`${sourceType}:${param} cannot refer to a ${target} ('${name}')`);
    }
    if (!ctx.exposedTypes.has(target)) throw errors.badRequest(`Resource type ${target} ('${name}') is not supported by this server`);
  }
  if (reverse && !iterate) {
    if (targets.length > 0 && !targets.includes(resourceType)) {
      throw errors.badRequest(`${sourceType}:${param} cannot refer to a ${resourceType} ('${name}')`);
    }
    if (target !== undefined && target !== resourceType) {
      throw errors.badRequest(`'${name}=${v}': the target type must be ${resourceType}`);
    }
  }
  return [{ sourceType, param, targetType: target ?? null, iterate }];
}

/** Applies result parameter `name` (its base name is in RESULT_PARAMS) to `req`. */
export function applyResultParam(ctx: ResultParamContext, req: SearchRequest, name: string, value: string): void {
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const modifier = colon < 0 ? null : name.slice(colon + 1);
  const isInclude = base === '_include' || base === '_revinclude';
  if (modifier !== null && !(isInclude && (modifier === 'iterate' || modifier === 'recurse'))) {
    throw errors.badRequest(`Modifier ':${modifier}' is not valid for parameter '${base}'`);
  }
  if (SINGLE.has(base)) {
    if (ctx.seen.has(base)) throw errors.badRequest(`Parameter '${base}' is given more than once`);
    ctx.seen.add(base);
  }
  switch (base) {
    case '_count': {
      if (!/^\d+$/.test(value)) throw errors.badRequest(`Invalid '_count' value '${value}': expected a non-negative integer`);
      req.count = Math.min(Number(value), ctx.maxCount);
      return;
    }
    case '_sort':
      req.sort = parseSort(ctx, value);
      return;
    case '_total':
      if (!TOTALS.has(value as TotalMode)) throw errors.badRequest(`Invalid '_total' value '${value}': expected none, estimate or accurate`);
      req.total = value as TotalMode;
      return;
    case '_summary':
      if (!SUMMARIES.has(value as SummaryMode)) {
        throw errors.badRequest(`Invalid '_summary' value '${value}': expected true, false, text, data or count`);
      }
      req.summary = value as SummaryMode;
      return;
    case '_elements':
      req.elements = parseElements(ctx, value);
      return;
    case '_include':
    case '_revinclude': {
      const list = base === '_include' ? req.include : req.revinclude;
      for (const spec of parseInclude(ctx, name, value, base === '_revinclude', modifier !== null)) {
        if (!list.some((s) => s.sourceType === spec.sourceType && s.param === spec.param && s.targetType === spec.targetType && s.iterate === spec.iterate)) {
          list.push(spec);
        }
      }
      return;
    }
    case '_cursor':
      req.cursor = value;
      return;
    default:
      // _format, _pretty: the HTTP layer handles them.
      return;
  }
}

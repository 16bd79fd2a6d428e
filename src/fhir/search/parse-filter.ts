/**
 * One filtering query parameter (`name[:modifier][.chain...]=values`) → a `SearchFilter`.
 */
import type { Definitions, SearchParamDef, SearchParamType } from '../definitions/model.js';
import { errors } from '../errors.js';
import { identifierIndexName, ofTypeIndexName } from './index-entry.js';
import { isIndexedParam } from './indexed-params.js';
import {
  isValidId,
  parseDateValue,
  parseNumberValue,
  parseOfTypeValue,
  parseQuantityValue,
  parseReferenceValue,
  parseStringValue,
  parseTokenValue,
  splitOrValues,
  unescapeValue,
} from './parse-values.js';
import type { SearchFilter } from './search-request.js';

/** Maximum number of reference hops in a chain (`a.b.c.d` = 3). */
export const MAX_CHAIN_LINKS = 3;

export interface FilterContext {
  defs: Definitions;
  exposedTypes: ReadonlySet<string>;
  baseUrl?: string;
  now: number;
}

/** Known FHIR search features this server does not implement. */
const UNSUPPORTED = new Set(['_text', '_content', '_query', '_filter', '_list', '_has', '_type', '_contained', '_containedType']);
const UNSUPPORTED_TOKEN_MODIFIERS = new Set(['in', 'not-in', 'below', 'above', 'code-text', 'text-advanced']);

const isResourceType = (defs: Definitions, name: string): boolean => defs.types[name]?.kind === 'resource';

/** The parameter definition of `code` on `type`, when it can be searched here. */
function paramDef(ctx: FilterContext, type: string, code: string, fullName: string): SearchParamDef {
  if (UNSUPPORTED.has(code)) throw errors.notSupported(`Search parameter '${fullName}' is not supported`);
  const def = ctx.defs.searchParams[type]?.[code];
  if (!def) throw errors.badRequest(`Unknown search parameter '${fullName}' for ${type}`);
  if (def.type === 'composite' || def.type === 'special' || !isIndexedParam(def)) {
    throw errors.notSupported(`Search parameter '${fullName}' (${def.type}) is not supported`);
  }
  return def;
}

function splitModifier(link: string): { code: string; modifier: string | null } {
  const colon = link.indexOf(':');
  return colon < 0 ? { code: link, modifier: null } : { code: link.slice(0, colon), modifier: link.slice(colon + 1) };
}

/** Values of a parameter; a value list made only of empty items is a bad request. */
function orValues(name: string, value: string): string[] {
  const values = splitOrValues(value);
  if (values.length === 0) throw errors.badRequest(`Parameter '${name}' has no value`);
  return values;
}

function parseMissing(name: string, param: string, paramType: SearchParamType, value: string): SearchFilter {
  if (value !== 'true' && value !== 'false') throw errors.badRequest(`Parameter '${name}' expects true or false, not '${value}'`);
  return { kind: 'missing', param, paramType, missing: value === 'true' };
}

const badModifier = (name: string, modifier: string, def: SearchParamDef): never => {
  throw errors.badRequest(`Modifier ':${modifier}' is not valid for ${def.type} parameter '${name}'`);
};

/** A single-link parameter on `type`. `name` is the full name as received, for messages. */
function parseSimple(ctx: FilterContext, type: string, link: string, value: string, name: string): SearchFilter {
  const { code, modifier } = splitModifier(link);
  if (code === '_id' || code === '_lastUpdated') {
    if (modifier !== null) throw errors.badRequest(`Modifier ':${modifier}' is not valid for parameter '${name}'`);
    const values = orValues(name, value);
    if (code === '_lastUpdated') return { kind: 'lastUpdated', values: values.map((v) => parseDateValue(name, v, ctx.now)) };
    const ids = values.map(unescapeValue);
    for (const id of ids) if (!isValidId(id)) throw errors.badRequest(`Invalid id '${id}' for parameter '${name}'`);
    return { kind: 'id', values: ids };
  }
  const def = paramDef(ctx, type, code, name);
  if (modifier === 'missing') return parseMissing(name, code, def.type, value);
  const values = orValues(name, value);
  switch (def.type) {
    case 'token':
      if (modifier === null || modifier === 'not') {
        return { kind: 'token', param: code, negate: modifier === 'not', values: values.map((v) => parseTokenValue(name, v)) };
      }
      if (modifier === 'text') return { kind: 'token-text', param: code, values: values.map((v) => parseStringValue(v, false)) };
      if (modifier === 'of-type') {
        return { kind: 'token', param: ofTypeIndexName(code), negate: false, values: values.map((v) => parseOfTypeValue(code, v)) };
      }
      if (UNSUPPORTED_TOKEN_MODIFIERS.has(modifier)) throw errors.notSupported(`Modifier ':${modifier}' (parameter '${name}') is not supported`);
      return badModifier(name, modifier, def);
    case 'string':
      if (modifier !== null && modifier !== 'exact' && modifier !== 'contains') return badModifier(name, modifier, def);
      return {
        kind: 'string',
        param: code,
        match: modifier === 'exact' ? 'exact' : modifier === 'contains' ? 'contains' : 'starts-with',
        values: values.map((v) => parseStringValue(v, modifier === 'exact')),
      };
    case 'date':
      if (modifier !== null) return badModifier(name, modifier, def);
      return { kind: 'date', param: code, values: values.map((v) => parseDateValue(name, v, ctx.now)) };
    case 'number':
      if (modifier !== null) return badModifier(name, modifier, def);
      return { kind: 'number', param: code, values: values.map((v) => parseNumberValue(name, v)) };
    case 'quantity':
      if (modifier !== null) return badModifier(name, modifier, def);
      return { kind: 'quantity', param: code, values: values.map((v) => parseQuantityValue(name, v)) };
    case 'uri':
      if (modifier !== null && modifier !== 'below' && modifier !== 'above') return badModifier(name, modifier, def);
      return { kind: 'uri', param: code, match: modifier ?? 'exact', values: values.map(unescapeValue) };
    case 'reference': {
      if (modifier === 'identifier') {
        return { kind: 'token', param: identifierIndexName(code), negate: false, values: values.map((v) => parseTokenValue(name, v)) };
      }
      const targets = def.targets ?? [];
      if (modifier !== null && !(isResourceType(ctx.defs, modifier) && (targets.length === 0 || targets.includes(modifier)))) {
        if (isResourceType(ctx.defs, modifier)) {
          throw errors.badRequest(`Parameter '${code}' cannot refer to a ${modifier} (allowed: ${targets.join(', ')})`);
        }
        return badModifier(name, modifier, def);
      }
      const refCtx = {
        targets,
        typeModifier: modifier,
        isResourceType: (n: string) => isResourceType(ctx.defs, n),
        ...(ctx.baseUrl === undefined ? {} : { baseUrl: ctx.baseUrl }),
      };
      return { kind: 'reference', param: code, values: values.map((v) => parseReferenceValue(name, v, refCtx)) };
    }
    default:
      throw errors.notSupported(`Search parameter '${name}' (${def.type}) is not supported`);
  }
}

/**
 * Parses query parameter `name` = `value` for a search on `type`: a simple parameter, or a chain
 * of up to MAX_CHAIN_LINKS reference links (`author:PractitionerRole.practitioner.identifier`).
 * A link's target types: its `:Type` modifier, else the reference parameter's target types that
 * this server exposes and that have the next link's parameter.
 */
export function parseFilter(ctx: FilterContext, type: string, name: string, value: string): SearchFilter {
  const links = name.split('.');
  if (links.some((l) => l.length === 0)) throw errors.badRequest(`Invalid parameter name '${name}'`);
  if (links.length - 1 > MAX_CHAIN_LINKS) {
    throw errors.badRequest(`Chained parameter '${name}' has more than ${MAX_CHAIN_LINKS} links`);
  }
  return parseLinks(ctx, type, links, value, name);
}

function parseLinks(ctx: FilterContext, type: string, links: string[], value: string, name: string): SearchFilter {
  if (links.length === 1) return parseSimple(ctx, type, links[0]!, value, name);
  const { code, modifier } = splitModifier(links[0]!);
  const def = paramDef(ctx, type, code, name);
  if (def.type !== 'reference') throw errors.badRequest(`Parameter '${code}' in chain '${name}' is not a reference parameter`);
  const declared = def.targets ?? [];
  let candidates: string[];
  if (modifier !== null) {
    if (!isResourceType(ctx.defs, modifier)) throw errors.badRequest(`Unknown resource type ':${modifier}' in chain '${name}'`);
    if (declared.length > 0 && !declared.includes(modifier)) {
      throw errors.badRequest(`Parameter '${code}' cannot refer to a ${modifier} (chain '${name}')`);
    }
    if (!ctx.exposedTypes.has(modifier)) throw errors.badRequest(`Resource type ${modifier} (chain '${name}') is not supported by this server`);
    candidates = [modifier];
  } else {
    const nextCode = splitModifier(links[1]!).code;
    const exposed = (declared.length > 0 ? declared : [...ctx.exposedTypes]).filter((t) => ctx.exposedTypes.has(t));
    candidates = exposed.filter((t) => nextCode === '_id' || nextCode === '_lastUpdated' || ctx.defs.searchParams[t]?.[nextCode] !== undefined);
    if (candidates.length === 0) {
      throw errors.badRequest(`No target type of '${code}' has a search parameter '${nextCode}' (chain '${name}')`);
    }
  }
  return {
    kind: 'chain',
    param: code,
    targets: candidates.map((t) => ({ type: t, filter: parseLinks(ctx, t, links.slice(1), value, name) })),
  };
}

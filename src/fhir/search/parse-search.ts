/**
 * Search request parsing: the query parameters of `GET /Type?...` → a `SearchRequest`.
 */
import type { Definitions } from '../definitions/model.js';
import { errors, isFhirError } from '../errors.js';
import { parseFilter, type FilterContext } from './parse-filter.js';
import { applyResultParam, RESULT_PARAMS, type ResultParamContext } from './parse-result-params.js';
import type { SearchRequest } from './search-request.js';

export interface ParseSearchOptions {
  /**
   * false: an unknown parameter, unknown or invalid modifier, or malformed value is a 400
   * (FhirError naming the parameter). true: such a parameter is dropped and listed in
   * `request.ignored` (FHIR's `Prefer: handling=lenient`).
   */
  lenient: boolean;
  /** Upper bound of `_count` (larger values are capped). */
  maxCount: number;
  /** Page size when `_count` is absent. */
  defaultCount: number;
  /** The resource types this server serves: chain targets and includes are limited to them. */
  exposedTypes: string[];
  /** The server's base URL: absolute references under it are read as local `Type/id`. */
  baseUrl?: string;
  /** "Now" for `ap` date values (epoch ms); defaults to Date.now(). */
  now?: number;
}

/**
 * Parses the (already URL-decoded) query parameters of a search on `resourceType`.
 * Parameters with an empty value are ignored (listed in `ignored`), as FHIR asks;
 * `_format` and `_pretty` are ignored quietly.
 */
export function parseSearch(
  defs: Definitions,
  resourceType: string,
  params: Array<[string, string]>,
  options: ParseSearchOptions,
): SearchRequest {
  if (!defs.searchParams[resourceType] || !options.exposedTypes.includes(resourceType)) throw errors.unknownType(resourceType);
  const exposedTypes = new Set(options.exposedTypes);
  const filterCtx: FilterContext = {
    defs,
    exposedTypes,
    now: options.now ?? Date.now(),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  };
  const resultCtx: ResultParamContext = { defs, resourceType, exposedTypes, maxCount: options.maxCount, seen: new Set() };
  const req: SearchRequest = {
    resourceType,
    filters: [],
    count: Math.min(options.defaultCount, options.maxCount),
    sort: [],
    include: [],
    revinclude: [],
    ignored: [],
  };
  for (const [name, value] of params) {
    if (value === '') {
      req.ignored.push({ name, value, reason: 'empty value' });
      continue;
    }
    try {
      const colon = name.indexOf(':');
      const base = colon < 0 ? name : name.slice(0, colon);
      if (RESULT_PARAMS.has(base)) applyResultParam(resultCtx, req, name, value);
      else req.filters.push(parseFilter(filterCtx, resourceType, name, value));
    } catch (e) {
      if (options.lenient && isFhirError(e)) {
        req.ignored.push({ name, value, reason: e.message });
        continue;
      }
      throw e;
    }
  }
  return req;
}

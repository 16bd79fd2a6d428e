/** Classifies a request (HTTP or Bundle entry) into the FHIR interaction it asks for. */
import { errors } from '../fhir/errors.js';
import type { HttpMethod } from './fhir-request.js';

export type Operation =
  | { kind: 'capabilities' }
  | { kind: 'bundle' }
  | { kind: 'history-system' }
  | { kind: 'search-system' }
  | { kind: 'search-type'; type: string }
  | { kind: 'create'; type: string }
  | { kind: 'conditional-delete'; type: string }
  | { kind: 'history-type'; type: string }
  | { kind: 'read'; type: string; id: string }
  | { kind: 'update'; type: string; id: string }
  | { kind: 'delete'; type: string; id: string }
  | { kind: 'history-instance'; type: string; id: string }
  | { kind: 'vread'; type: string; id: string; vid: string };

const TYPE = /^[A-Z][A-Za-z]+$/;

function notAllowed(method: HttpMethod, path: string[]): never {
  throw errors.methodNotAllowed(`${method} is not supported on ${path.length ? `/${path.join('/')}` : 'the base URL'}`);
}

export function classify(method: HttpMethod, path: string[], hasQuery: boolean): Operation {
  const [a, b, c, d, ...rest] = path;
  if (rest.length > 0) throw errors.notFound(`No FHIR endpoint at /${path.join('/')}`);
  const get = method === 'GET' || method === 'HEAD';
  if (a === undefined) {
    if (method === 'POST') return { kind: 'bundle' };
    if (get) return { kind: 'search-system' };
    return notAllowed(method, path);
  }
  if (a === 'metadata' && b === undefined) {
    if (get) return { kind: 'capabilities' };
    return notAllowed(method, path);
  }
  if (a === '_history' && b === undefined) {
    if (get) return { kind: 'history-system' };
    return notAllowed(method, path);
  }
  if (!TYPE.test(a)) throw errors.notFound(`No FHIR endpoint at /${path.join('/')}`);
  const type = a;
  if (b === undefined) {
    if (get) return { kind: 'search-type', type };
    if (method === 'POST') return { kind: 'create', type };
    if (method === 'DELETE' && hasQuery) return { kind: 'conditional-delete', type };
    if (method === 'DELETE') throw errors.badRequest(`DELETE ${type} needs search criteria (conditional delete) or an id`);
    if (method === 'PUT') throw errors.notSupported(`Conditional update (PUT ${type}?criteria) is not supported; PUT ${type}/[id]`);
    return notAllowed(method, path);
  }
  if (b === '_search' && c === undefined) {
    if (method === 'POST') return { kind: 'search-type', type };
    return notAllowed(method, path);
  }
  if (b === '_history' && c === undefined) {
    if (get) return { kind: 'history-type', type };
    return notAllowed(method, path);
  }
  const id = b;
  if (c === undefined) {
    if (get) return { kind: 'read', type, id };
    if (method === 'PUT') return { kind: 'update', type, id };
    if (method === 'DELETE') return { kind: 'delete', type, id };
    if (method === 'PATCH') throw errors.notSupported('PATCH is not supported; use PUT with the whole resource');
    return notAllowed(method, path);
  }
  if (c === '_history') {
    if (!get) return notAllowed(method, path);
    if (d === undefined) return { kind: 'history-instance', type, id };
    return { kind: 'vread', type, id, vid: d };
  }
  throw errors.notFound(`No FHIR endpoint at /${path.join('/')}`);
}

/** Splits a Bundle entry's `request.url` (`Patient/1?x=y`, absolute or relative) into path and query. */
export function splitEntryUrl(url: string, baseUrl: string): { path: string[]; query: Array<[string, string]>; queryString: string } {
  let rel = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length + 1) : url;
  if (/^[a-z]+:/i.test(rel)) throw errors.badRequest(`The entry URL '${url}' is not on this server`);
  rel = rel.replace(/^\/+/, '');
  const q = rel.indexOf('?');
  const pathPart = q < 0 ? rel : rel.slice(0, q);
  const queryString = q < 0 ? '' : rel.slice(q + 1);
  const path = pathPart.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  return { path, query: [...new URLSearchParams(queryString).entries()], queryString };
}

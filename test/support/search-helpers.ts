/** Small helpers for exact search assertions in end-to-end tests. */
import assert from 'node:assert/strict';
import type { TestServer } from './test-server.js';

export interface SearchHelpers {
  /** GET `path` (`/Type?query`), asserting 200; the searchset Bundle. */
  bundle(path: string, headers?: Record<string, string>): Promise<any>;
  /** Ids of the `match` entries of GET `path`, sorted unless `ordered`. */
  ids(path: string, ordered?: boolean, headers?: Record<string, string>): Promise<string[]>;
  /** `Type/id` of the `include` entries of GET `path`, sorted. */
  included(path: string): Promise<string[]>;
  /** Status and OperationOutcome diagnostics of GET `path`. */
  status(path: string, headers?: Record<string, string>): Promise<{ status: number; diagnostics: string }>;
  /** Follows `next` links from GET `path`, returning every page's Bundle; `between` runs before each next page. */
  pages(path: string, between?: (page: number) => Promise<void>): Promise<any[]>;
}

export const matchIdsOf = (bundle: any): string[] =>
  (bundle.entry ?? []).filter((e: any) => e.search?.mode === 'match').map((e: any) => e.resource.id as string);

export function searchHelpers(t: TestServer): SearchHelpers {
  const bundle = async (path: string, headers?: Record<string, string>) => {
    const r = await t.request('GET', path, undefined, headers);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.equal(r.body.resourceType, 'Bundle');
    assert.equal(r.body.type, 'searchset');
    return r.body;
  };
  return {
    bundle,
    async ids(path, ordered = false, headers) {
      const list = matchIdsOf(await bundle(path, headers));
      return ordered ? list : list.sort();
    },
    async included(path) {
      const b = await bundle(path);
      return (b.entry ?? [])
        .filter((e: any) => e.search?.mode === 'include')
        .map((e: any) => `${e.resource.resourceType}/${e.resource.id}`)
        .sort();
    },
    async status(path, headers) {
      const r = await t.request('GET', path, undefined, headers);
      const diagnostics = r.body?.resourceType === 'OperationOutcome' ? r.body.issue.map((i: any) => i.diagnostics).join('; ') : '';
      return { status: r.status, diagnostics };
    },
    async pages(path, between) {
      const out = [await bundle(path)];
      for (let i = 1; ; i++) {
        const next = out[out.length - 1].link?.find((l: any) => l.relation === 'next');
        if (!next) return out;
        assert.ok(next.url.startsWith(t.base), `next link under the base URL: ${next.url}`);
        if (between) await between(i);
        out.push(await bundle(next.url.slice(t.base.length)));
        assert.ok(i < 1000, 'paging does not end');
      }
    },
  };
}

/** PUTs each resource at its id (201 expected). */
export async function putAll(t: TestServer, resources: Array<Record<string, any>>): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  for (const r of resources) {
    const res = await t.request('PUT', `/${r.resourceType}/${r.id}`, r);
    if (res.status !== 201) throw new Error(`loading ${r.resourceType}/${r.id}: ${res.status} ${res.text}`);
    out.push(res.body);
  }
  return out;
}

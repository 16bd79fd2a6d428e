/**
 * The date-index walk (search-sort-driven.ts) gives exactly the general plan's order: resources
 * with several dates come once, at their key; ties by storage key; resources without a date (and
 * open starts, which share their key) last; keyset pages that cross from the walk to the general
 * plan neither skip nor repeat a resource.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { versionWrite } from '../../engine/storage-contract.js';
import type { SearchPosition } from '../../engine/storage-port.js';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../../fhir/definitions/load.js';
import { parseSearch } from '../../fhir/search/parse-search.js';
import { SqliteStorage } from './sqlite-storage.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const T = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

interface Spec {
  id: string;
  /** Start of each date value; -Infinity is an open start. */
  dates: number[];
}

function specs(): Spec[] {
  // Written first: their storage keys are below those of the resources without a date they tie with.
  const out: Spec[] = [
    { id: 'open1', dates: [-Infinity] },
    { id: 'open2', dates: [-Infinity, T + 2 * DAY] },
    { id: 'open3', dates: [-Infinity] },
    { id: 'open4', dates: [-Infinity] },
    { id: 'open5', dates: [-Infinity] },
  ];
  for (let i = 0; i < 40; i++) {
    const dates = i % 7 === 3 ? [] : i % 5 === 0 ? [T + (i % 4) * DAY, T + ((i * 3) % 11) * DAY] : [T + (i % 6) * DAY];
    out.push({ id: `n${String(i).padStart(2, '0')}`, dates });
  }
  return out;
}

/** The general plan's order: key (max/min start, missing = the sentinel), then storage key descending. */
function expected(list: Spec[], descending: boolean): string[] {
  const clamp = (n: number) => (n === -Infinity ? Number.MIN_SAFE_INTEGER : n);
  const key = (s: Spec) => {
    if (s.dates.length === 0) return descending ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    const v = s.dates.map(clamp);
    return descending ? Math.max(...v) : Math.min(...v);
  };
  return list
    .map((s, order) => ({ s, order, k: key(s) }))
    .sort((a, b) => (a.k !== b.k ? (descending ? b.k - a.k : a.k - b.k) : b.order - a.order))
    .map((x) => x.s.id);
}

describe('search sorted by date without a selective filter (date-index walk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-sortwalk-'));
  const storage = SqliteStorage.open({ file: join(dir, 'db.sqlite'), auditWorker: false });
  after(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const list = specs();

  it('pages through every resource once, in the general order, both directions and page sizes', async () => {
    for (const s of list) {
      const w = versionWrite({ resourceType: 'DocumentReference', id: s.id, status: 'current', subject: { reference: 'Patient/p' }, content: [] }, 1, T);
      // The index entries of the dates, as the indexer writes them (several per resource allowed).
      w.index = w.index.filter((e) => e.param !== 'date');
      for (const d of s.dates) w.index.push({ kind: 'date', param: 'date', start: d, end: d === -Infinity ? T : d + DAY - 1 });
      await storage.transaction((tx) => tx.writeVersion(w));
    }
    for (const descending of [true, false]) {
      for (const count of [1, 4, 7, 50]) {
        const request = parseSearch(defs, 'DocumentReference', [['_sort', descending ? '-date' : 'date'], ['_count', String(count)]], {
          lenient: false,
          maxCount: 100,
          defaultCount: 20,
          exposedTypes: ['DocumentReference', 'Patient'],
        });
        const seen: string[] = [];
        let position: SearchPosition | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await storage.search({ request, countTotal: false, access: {}, ...(position ? { after: position } : {}) });
          seen.push(...page.matches.map((m) => m.id));
          if (!page.next) break;
          position = page.next;
        }
        assert.deepEqual(seen, expected(list, descending), `${descending ? 'descending' : 'ascending'}, pages of ${count}`);
      }
    }
  });
});

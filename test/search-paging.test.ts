/**
 * End-to-end paging, sorting and totals: keyset `next` links that stay exact while notes are
 * created, updated and deleted between pages (ties and missing sort values included), `_sort`
 * on date / _lastUpdated / _id / several keys, `_count` (0 and the server maximum), `_total`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { matchIdsOf, putAll, searchHelpers, type SearchHelpers } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let nirs = 0;
/** The dates of q01..q12 (prefixed): q05-q07 share one instant, q12 has none. */
const DATES = ['01', '02', '03', '04', '05', '05', '05', '08', '09', '10', '11', null].map((d) => (d ? `2026-01-${d}T10:00:00Z` : null));

describe('search: paging, sorting, totals', () => {
  let t: TestServer;
  let s: SearchHelpers;
  before(async () => {
    t = await startTestServer({ CDL_MAX_COUNT: '50' });
    s = searchHelpers(t);
    await putAll(t, [{ ...practitioner(), id: 'pr' }]);
  });
  after(() => t.close());

  const makeNote = (pat: string, id: string, date: string | null, type = 'OBS') => {
    const n: Record<string, unknown> = { ...note(pat, ['Practitioner/pr'], { type }), id };
    if (date) n.date = date;
    else delete n.date;
    return n;
  };
  /** A patient `pat` with notes `<pat>-q01`..`<pat>-q12` (alternately OBS and GEN), written in that order. */
  const notebook = async (pat: string) => {
    await putAll(t, [{ ...patient(String(200000000000000 + ++nirs)), id: pat }]);
    await putAll(t, DATES.map((d, i) => makeNote(pat, `${pat}-q${String(i + 1).padStart(2, '0')}`, d, i % 2 ? 'GEN' : 'OBS')));
    return (...n: number[]) => n.map((i) => `${pat}-q${String(i).padStart(2, '0')}`);
  };
  const walk = async (path: string, between?: (page: number) => Promise<void>) => {
    const pages = await s.pages(path, between);
    return { pages, ids: pages.flatMap(matchIdsOf), sizes: pages.map((p) => matchIdsOf(p).length) };
  };
  const put = async (r: Record<string, unknown>, status: number) => {
    const res = await t.request('PUT', `/DocumentReference/${r.id}`, r);
    assert.equal(res.status, status, res.text);
  };

  it('default order (newest first): writes between pages neither repeat nor skip a note', async () => {
    const q = await notebook('pa');
    const { ids, sizes } = await walk('/DocumentReference?patient=pa&_count=4', async (page) => {
      if (page === 1) {
        // New notes sort before the position reached: they never appear.
        await put(makeNote('pa', 'pa-new1', '2026-01-06T10:00:00Z'), 201);
        await put(makeNote('pa', 'pa-new2', null), 201);
      }
      if (page === 2) {
        assert.equal((await t.request('DELETE', '/DocumentReference/pa-q11')).status, 200); // already seen
        assert.equal((await t.request('DELETE', '/DocumentReference/pa-q03')).status, 200); // not yet seen
        const q02 = (await t.request('GET', '/DocumentReference/pa-q02')).body;
        await put({ ...q02, description: 'updated while paging' }, 200); // keeps its place
      }
    });
    assert.deepEqual(ids, q(12, 11, 10, 9, 8, 7, 6, 5, 4, 2, 1));
    assert.deepEqual(sizes, [4, 4, 3]);
  });

  it('_sort=date: ties and missing values; notes written before and after the position', async () => {
    const q = await notebook('pb');
    const { ids } = await walk('/DocumentReference?patient=pb&_sort=date&_count=3', async (page) => {
      if (page === 1) {
        await put(makeNote('pb', 'pb-early', '2025-12-31T10:00:00Z'), 201); // before the position: not shown
        await put(makeNote('pb', 'pb-late', '2026-02-01T10:00:00Z'), 201); // after it: shown in its place
      }
      if (page === 2) {
        // Position: inside the tie of 2026-01-05 (ties newest first). A new tie sorts before it.
        await put(makeNote('pb', 'pb-tie', '2026-01-05T10:00:00Z'), 201);
        assert.equal((await t.request('DELETE', '/DocumentReference/pb-q09')).status, 200);
      }
    });
    assert.deepEqual(ids, [...q(1, 2, 3, 4, 7, 6, 5, 8, 10, 11), 'pb-late', ...q(12)]);
    // Read again from the start, everything is there in order, missing dates last.
    assert.deepEqual((await walk('/DocumentReference?patient=pb&_sort=date&_count=5')).ids, [
      'pb-early', ...q(1, 2, 3, 4), 'pb-tie', ...q(7, 6, 5, 8, 10, 11), 'pb-late', ...q(12),
    ]);
    assert.deepEqual((await walk('/DocumentReference?patient=pb&_sort=-date&_count=4')).ids, [
      'pb-late', ...q(11, 10, 8), 'pb-tie', ...q(7, 6, 5, 4, 3, 2, 1), 'pb-early', ...q(12),
    ]);
  });

  it('_sort on _lastUpdated, -_lastUpdated, _id and several keys', async () => {
    const q = await notebook('pc');
    const all = q(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    // Two notes written in the same millisecond tie; ties are broken newest first (storage order).
    const byUpdate = async () => {
      const rs = (await s.bundle('/DocumentReference?patient=pc&_count=50')).entry.map((e: any) => e.resource);
      const at = (id: string) => Date.parse(rs.find((r: any) => r.id === id).meta.lastUpdated);
      const asc = [...all].sort((a, b) => at(a) - at(b) || all.indexOf(b) - all.indexOf(a));
      const desc = [...all].sort((a, b) => at(b) - at(a) || all.indexOf(b) - all.indexOf(a));
      return { asc, desc };
    };
    let expected = await byUpdate();
    assert.deepEqual(await s.ids('/DocumentReference?patient=pc&_sort=_lastUpdated&_count=50', true), expected.asc);
    assert.deepEqual(await s.ids('/DocumentReference?patient=pc&_sort=-_lastUpdated&_count=50', true), expected.desc);
    assert.deepEqual((await walk('/DocumentReference?patient=pc&_sort=_lastUpdated&_count=5')).ids, expected.asc);
    assert.deepEqual((await walk('/DocumentReference?patient=pc&_sort=-_lastUpdated&_count=5')).ids, expected.desc);
    assert.deepEqual(await s.ids('/DocumentReference?patient=pc&_sort=-_id&_count=50', true), [...all].reverse());
    assert.deepEqual(await s.ids('/DocumentReference?patient=pc&_sort=_id&_count=50', true), all);
    // type (GEN before OBS), then newest date first within a type (ties newest first); no date last
    assert.deepEqual((await walk('/DocumentReference?patient=pc&_sort=type,-date&_count=4')).ids, [...q(10, 8, 6, 4, 2, 12), ...q(11, 9, 7, 5, 3, 1)]);
    // an update moves a note in _lastUpdated order
    const q04 = (await t.request('GET', '/DocumentReference/pc-q04')).body;
    await put({ ...q04, description: 'touched' }, 200);
    expected = await byUpdate();
    assert.equal(expected.desc[0], 'pc-q04');
    assert.deepEqual(await s.ids('/DocumentReference?patient=pc&_sort=-_lastUpdated&_count=50', true), expected.desc);
    assert.deepEqual(await s.ids('/DocumentReference?patient=pc&_sort=_lastUpdated&_count=50', true), expected.asc);
    assert.equal((await s.status('/DocumentReference?_sort=nosuch')).status, 400);
    assert.equal((await s.status('/DocumentReference?_sort=subject')).status, 400);
  });

  it('_total: none, estimate, accurate (on every page); default only when one page holds everything', async () => {
    await notebook('pd');
    const total = async (q: string) => (await s.bundle(`/DocumentReference?patient=pd&${q}`)).total;
    assert.equal(await total('_count=50'), 12);
    assert.equal(await total('_count=5'), undefined);
    assert.equal(await total('_count=50&_total=none'), undefined);
    assert.equal(await total('_count=5&_total=estimate'), 12);
    assert.equal(await total('_count=5&_total=accurate'), 12);
    assert.equal(await total('_count=5&_total=accurate&type=GEN'), 6);
    const { pages } = await walk('/DocumentReference?patient=pd&_count=5&_total=accurate');
    assert.deepEqual(pages.map((p) => p.total), [12, 12, 12]);
    const counted = await s.bundle('/DocumentReference?patient=pd&type=OBS&_summary=count');
    assert.equal(counted.total, 6);
    assert.equal(counted.entry, undefined);
  });

  it('_count: 0 gives the count and no entries; above the server maximum it is capped', async () => {
    await notebook('pe');
    const zero = await s.bundle('/DocumentReference?patient=pe&_count=0');
    assert.equal(zero.entry, undefined);
    assert.equal(zero.total, 12);
    assert.equal((await s.bundle('/DocumentReference?patient=pe&_count=0&_total=accurate')).total, 12);
    const capped = await s.bundle('/DocumentReference?_count=100000');
    assert.equal(capped.entry.length, 50);
    assert.ok(capped.link.some((l: any) => l.relation === 'next'));
    // However many digits: capped, not refused.
    assert.equal((await s.bundle('/DocumentReference?_count=123456789012345678901234567890')).entry.length, 50);
    assert.equal((await s.status('/DocumentReference?_count=-1')).status, 400);
    assert.equal(matchIdsOf(await s.bundle('/DocumentReference?patient=pe&_count=1')).length, 1);
    assert.equal((await s.status('/DocumentReference?_count=abc')).status, 400);
    assert.equal((await s.status('/DocumentReference?_count=2&_count=3')).status, 400);
  });

  it('a tampered or foreign paging cursor → 400', async () => {
    assert.equal((await s.status('/DocumentReference?_cursor=not-a-cursor')).status, 400);
  });
});

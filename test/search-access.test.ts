/**
 * End-to-end: the caller's access predicate inside every part of a search beyond the
 * authorization matrix (test/authorization-matrix.test.ts): `_include=*`, `_revinclude=*`,
 * `_revinclude=Provenance:target`, `_include` from Provenance, chained criteria in totals,
 * sorting and paging. A hidden note never appears and never counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CALLERS, LABELS, expectedVisible, loadCareCircle, noteId, replyId, type CallerName } from './support/care-circle.js';
import { matchIdsOf } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const READERS = CALLERS.filter((c) => c !== 'device');

describe('search: access predicates in includes, chains, totals', () => {
  let t: TestServer;
  let tokens: Record<CallerName, string>;
  before(async () => {
    t = await startTestServer();
    ({ tokens } = await loadCareCircle(t));
  });
  after(() => t.close());

  const get = async (caller: CallerName, path: string) => {
    const r = await t.request('GET', path, undefined, { authorization: `Bearer ${tokens[caller]}` });
    assert.equal(r.status, 200, `${caller} ${path}: ${r.text}`);
    return r.body;
  };
  const included = (b: any, type?: string) =>
    (b.entry ?? []).filter((e: any) => e.search.mode === 'include' && (!type || e.resource.resourceType === type)).map((e: any) => e.resource.id as string).sort();
  const visibleNotes = (caller: CallerName) => LABELS.filter((l) => expectedVisible(caller, l)).map(noteId);
  /** What `caller` may see of P's notebook: the visible notes, and every (unlabelled) reply — none for the outsider. */
  const notebook = (caller: CallerName) => (caller === 'outsider' ? [] : [...visibleNotes(caller), ...LABELS.map(replyId)].sort());

  for (const caller of READERS) {
    it(`${caller}: _include=*, _revinclude=* and Provenance, chains in totals, paging with _sort`, async () => {
      const all = notebook(caller);
      // _include=* from every reply: a hidden parent is not included (replies refer to it through relatesTo)
      const withParents = await get(caller, '/DocumentReference?patient=Patient/P&_include=*&_count=100&_total=accurate');
      assert.deepEqual(matchIdsOf(withParents).sort(), all, 'matches');
      assert.equal(withParents.total, all.length, 'total');
      assert.deepEqual(included(withParents, 'DocumentReference'), [], 'parents are matches already');
      const parents = await get(caller, `/DocumentReference?_id=${LABELS.map(replyId).join(',')}&_include=*`);
      assert.deepEqual(included(parents, 'DocumentReference'), caller === 'outsider' ? [] : visibleNotes(caller).sort(), '_include=* of parents');
      // _revinclude=* from the patient: the notes it may see, nothing else of the notebook
      const rev = await get(caller, '/Patient?_id=P&_revinclude=*');
      assert.deepEqual(included(rev, 'DocumentReference'), all, '_revinclude=*');
      // Provenances: those of the notes it sees, in both directions
      const prov = await get(caller, '/DocumentReference?patient=Patient/P&_revinclude=Provenance:target&_count=100');
      const targets = (prov.entry ?? []).filter((e: any) => e.resource.resourceType === 'Provenance').map((e: any) => e.resource.target[0].reference.split('/')[1]).sort();
      assert.deepEqual(targets, all, '_revinclude=Provenance:target');
      const fromProv = await get(caller, '/Provenance?_include=Provenance:target&_count=100');
      const provenanceOf = matchIdsOf(fromProv).length === 0 ? [] : fromProv.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.target[0].reference.split('/')[1]).sort();
      assert.deepEqual(provenanceOf, all, 'the Provenances it may read are those of the notes it sees');
      const provTargets = included(fromProv, 'DocumentReference').filter((id: string) => id.startsWith('note-') || id.startsWith('reply-'));
      assert.deepEqual(provTargets, all, 'Provenance?_include=Provenance:target');
      // a chain through hidden parents counts nothing
      const chained = await get(caller, '/DocumentReference?relatesto:DocumentReference.description=secret&_total=accurate&_count=1');
      assert.equal(chained.total, caller === 'outsider' ? 0 : visibleNotes(caller).length, 'chained total');
      const count = await get(caller, '/DocumentReference?subject:Patient.identifier=100000000000001&_summary=count');
      assert.equal(count.total, all.length, 'chained _summary=count');
      // paging sorted by _lastUpdated walks exactly the visible set
      const seen: string[] = [];
      let page = await get(caller, '/DocumentReference?patient=P&_sort=-_lastUpdated&_count=4&_total=accurate');
      for (;;) {
        assert.equal(page.total, all.length, 'total on each page');
        seen.push(...matchIdsOf(page));
        const next = page.link.find((l: any) => l.relation === 'next');
        if (!next) break;
        page = await get(caller, next.url.slice(t.base.length));
      }
      assert.deepEqual([...seen].sort(), all, 'paging');
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    });
  }
});

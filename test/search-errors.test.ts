/**
 * End-to-end: parameters the server does not know or does not support answer 400 with an
 * OperationOutcome naming them (a silently ignored typo would widen the result);
 * `Prefer: handling=lenient` ignores them, says so in an `outcome` entry, returns exactly what
 * the rest of the query matches, and keeps them out of the self and next links.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSearchDataset } from './support/search-dataset.js';
import { matchIdsOf, searchHelpers, type SearchHelpers } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const LENIENT = { prefer: 'handling=lenient' };

describe('search: unknown and unsupported parameters', () => {
  let t: TestServer;
  let s: SearchHelpers;
  before(async () => {
    t = await startTestServer();
    s = searchHelpers(t);
    await loadSearchDataset(t);
  });
  after(() => t.close());

  const BAD: Array<[string, RegExp]> = [
    ['patinet=Patient/p1', /Unknown search parameter 'patinet'/],
    ['subject:Patient.nosuch=x', /nosuch/],
    ['type:in=http://example.org/vs', /in/],
    ['type:below=OBS', /below/],
    ['description:foo=x', /:foo/],
    ['_text=fatigue', /_text/],
    ['_content=fatigue', /_content/],
    ['_has:Provenance:target:agent=Practitioner/dr-dupont', /_has/],
    ['_filter=type eq OBS', /_filter/],
    ['_type=Patient', /_type/],
    ['_list=l1', /_list/],
    ['date=yesterday', /date/],
    ['date=xx2020', /prefix 'xx'/],
    ['_sort=nosuch', /nosuch/],
    ['_include=DocumentReference:nosuch', /nosuch/],
    ['_total=some', /_total/],
    ['_summary=maybe', /_summary/],
    ['_elements=nosuch', /nosuch/],
    ['_count=many', /_count/],
    ['_id=a/b', /_id/],
    ['_lastUpdated:missing=true', /_lastUpdated/],
    ['relatesto:DocumentReference.relatesto:DocumentReference.relatesto:DocumentReference.relatesto:DocumentReference.relatesto=n1', /more than 3 links/],
  ];

  it('each → 400 OperationOutcome naming the parameter (strict is the default and can be asked for)', async () => {
    for (const [q, message] of BAD) {
      for (const headers of [undefined, { prefer: 'handling=strict' }]) {
        const r = await t.request('GET', `/DocumentReference?type=OBS&${q}`, undefined, headers);
        assert.equal(r.status, 400, `${q}: ${r.text}`);
        assert.equal(r.body.resourceType, 'OperationOutcome', q);
        assert.equal(r.body.issue[0].severity, 'error', q);
        assert.ok(['invalid', 'not-supported', 'value'].includes(r.body.issue[0].code), `${q}: ${r.body.issue[0].code}`);
        assert.match(r.body.issue[0].diagnostics, message, q);
      }
    }
    // the same through POST _search
    const post = await t.request('POST', '/DocumentReference/_search', 'patinet=Patient/p1', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(post.status, 400);
  });

  it('lenient: each is ignored and reported; the matches are those of the rest of the query', async () => {
    const strictIds = await s.ids('/DocumentReference?type=OBS');
    assert.deepEqual(strictIds, ['n1', 'n3', 'n6']);
    for (const [q] of BAD) {
      if (/^_(count|sort|total|summary|elements|include)=/.test(q)) continue; // result parameters: checked below
      const b = await s.bundle(`/DocumentReference?type=OBS&${q}`, LENIENT);
      assert.deepEqual(matchIdsOf(b).sort(), strictIds, q);
      const outcome = b.entry.filter((e: any) => e.search.mode === 'outcome');
      assert.equal(outcome.length, 1, q);
      assert.equal(outcome[0].resource.resourceType, 'OperationOutcome');
      assert.equal(outcome[0].resource.issue.length, 1, q);
      assert.equal(outcome[0].resource.issue[0].severity, 'warning', q);
      assert.match(outcome[0].resource.issue[0].diagnostics, new RegExp(`Parameter '${q.slice(0, q.indexOf('=')).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' was ignored`), q);
      assert.equal(b.total, 3, q);
    }
  });

  it('lenient: several at once; result parameters too; links leave them out', async () => {
    const q = '/DocumentReference?patinet=x&type=OBS,GEN&_sort=nosuch&date=yesterday&_count=2&_include=DocumentReference:nosuch&_has:X:y:z=1';
    assert.equal((await s.status(q)).status, 400, 'without Prefer the query is refused');
    const first = await s.bundle(q, LENIENT);
    const issues = first.entry.find((e: any) => e.search.mode === 'outcome').resource.issue.map((i: any) => i.expression?.[0] ?? i.diagnostics);
    assert.deepEqual(issues.sort(), ['_has:X:y:z', '_include', '_sort', 'date', 'patinet'].sort());
    assert.deepEqual(matchIdsOf(first), ['n6', 'n4']);
    const self = first.link.find((l: any) => l.relation === 'self').url;
    assert.deepEqual([...new URL(self).searchParams.entries()], [['type', 'OBS,GEN'], ['_count', '2']]);
    // The next link works without the Prefer header: it only carries what was processed.
    const next = first.link.find((l: any) => l.relation === 'next').url;
    const rest = await s.pages(next.slice(t.base.length));
    assert.deepEqual([matchIdsOf(first), ...rest.map(matchIdsOf)], [['n6', 'n4'], ['n3', 'n1']]);
    // An empty value is ignored (and reported) in either mode.
    const empty = await s.bundle('/DocumentReference?type=OBS&subject=');
    assert.deepEqual(matchIdsOf(empty).sort(), ['n1', 'n3', 'n6']);
    assert.match(empty.entry.find((e: any) => e.search.mode === 'outcome').resource.issue[0].diagnostics, /subject/);
  });

  it('a paging cursor used with another sort → 400, not a server error', async () => {
    const first = await s.bundle('/DocumentReference?_count=2');
    const cursor = new URL(first.link.find((l: any) => l.relation === 'next').url).searchParams.get('_cursor')!;
    for (const q of [`_sort=-date&_count=2&_cursor=${cursor}`, `_sort=-date,type&_count=2&_cursor=${cursor}`]) {
      assert.equal((await s.status(`/DocumentReference?${q}`)).status, 400, q);
    }
    const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const [sort, v] of [['', ['x', 'y']], ['', ['', 'y']], ['-date', ['-date', 'abc', 1]], ['-date', ['-date', 1e300, 1]], ['_lastUpdated', ['_lastUpdated', 1.5, 1]], ['', ['', 1e300]], ['-date', ['-date', 1]], ['_id', ['_id', 5, 1]], ['', {}]] as const) {
      const q = `/DocumentReference?_count=2${sort ? `&_sort=${sort}` : ''}&_cursor=${forge(v)}`;
      assert.equal((await s.status(q)).status, 400, JSON.stringify(v));
    }
    // a well-formed position from another page still pages correctly
    assert.deepEqual((await s.pages('/DocumentReference?_sort=-date&_count=3')).flatMap(matchIdsOf), ['n6', 'n5', 'n4', 'n3', 'n1', 'n2', 'n7']);
  });
});

/**
 * The authorization matrix: every caller category × every audience label × every read path.
 * A hidden note is indistinguishable from a missing one, and leaks through nothing: not counts,
 * includes, chains, history, Binary URLs or batch entries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CALLERS, LABELS, expectedVisible, loadCareCircle, noteId, replyId, type CallerName, type Label } from './support/care-circle.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('authorization matrix', () => {
  let t: TestServer;
  let tokens: Record<CallerName, string>;
  let binaryOf: Record<string, string>;
  before(async () => {
    t = await startTestServer({ CDL_ATTACHMENT_INLINE_MAX: '1024' });
    ({ tokens, binaryOf } = await loadCareCircle(t));
  });
  after(() => t.close());

  const as = (caller: CallerName) => ({ authorization: `Bearer ${tokens[caller]}` });
  const get = (caller: CallerName, path: string) => t.request('GET', path, undefined, as(caller));
  const matchIds = (bundle: any): string[] =>
    (bundle.entry ?? []).filter((e: any) => e.search?.mode === 'match' || !e.search).map((e: any) => e.resource?.id).filter(Boolean).sort();

  for (const caller of CALLERS) {
    it(`${caller}: read, vread, history, search, count, include, chain, Binary, batch`, async () => {
      const visible = LABELS.filter((l) => expectedVisible(caller, l));
      const reads = caller === 'device' ? 403 : undefined;
      for (const label of LABELS) {
        const id = noteId(label);
        const want = expectedVisible(caller, label);
        const where = `${caller} × ${label}`;
        const notFound = reads ?? 404;

        const read = await get(caller, `/DocumentReference/${id}`);
        assert.equal(read.status, want ? 200 : notFound, `${where}: read`);
        if (!want && notFound === 404) {
          // Same answer as a note that does not exist.
          const missing = await get(caller, '/DocumentReference/no-such-note');
          assert.equal(read.text.replace(id, 'X'), missing.text.replace('no-such-note', 'X'), `${where}: hidden = missing`);
        }
        assert.equal((await get(caller, `/DocumentReference/${id}/_history/1`)).status, want ? 200 : notFound, `${where}: vread`);
        assert.equal((await get(caller, `/DocumentReference/${id}/_history`)).status, want ? 200 : notFound, `${where}: history`);
        assert.equal((await get(caller, binaryOf[label]!)).status, want ? 200 : notFound, `${where}: Binary`);
        if (reads) continue;
        const byId = await get(caller, `/DocumentReference?_id=${id}&_total=accurate`);
        assert.equal(byId.body.total, want ? 1 : 0, `${where}: search total`);
        // A hidden note must not make its (visible) reply match a chained criterion.
        const chained = await get(caller, `/DocumentReference?relatesto:DocumentReference.description:exact=${encodeURIComponent(`secret ${label}`)}`);
        assert.deepEqual(matchIds(chained.body), want ? [replyId(label)] : [], `${where}: chain`);
        // _include of the parent from the reply: only when visible.
        const inc = await get(caller, `/DocumentReference?_id=${replyId(label)}&_include=DocumentReference:relatesto`);
        const included = (inc.body.entry ?? []).filter((e: any) => e.search.mode === 'include').map((e: any) => e.resource.id);
        assert.deepEqual(included, want ? [id] : [], `${where}: _include`);
      }
      if (reads) {
        assert.equal((await get(caller, '/DocumentReference?patient=Patient/P')).status, 403, `${caller}: search`);
        return;
      }
      // Counts, paging and type history see exactly the visible notes.
      const count = await get(caller, '/DocumentReference?patient=Patient/P&description=secret&_summary=count');
      assert.equal(count.body.total, visible.length, `${caller}: _summary=count`);
      const paged: string[] = [];
      let page = (await get(caller, '/DocumentReference?description=secret&_count=2')).body;
      for (;;) {
        paged.push(...matchIds(page));
        const next = page.link.find((l: any) => l.relation === 'next');
        if (!next) break;
        page = (await get(caller, next.url.slice(t.base.length))).body;
      }
      assert.deepEqual(paged.sort(), visible.map(noteId).sort(), `${caller}: paging`);
      const hist = await get(caller, '/DocumentReference/_history?_count=100');
      const histIds = [...new Set((hist.body.entry ?? []).map((e: any) => e.resource?.id).filter((x: string) => x?.startsWith('note-')))].sort();
      assert.deepEqual(histIds, visible.map(noteId).sort(), `${caller}: type history`);
      // _revinclude from the patient.
      const rev = await get(caller, '/Patient?_id=P&_revinclude=DocumentReference:subject');
      if (caller === 'outsider') {
        assert.deepEqual(matchIds(rev.body), [], 'outsider: Patient P hidden');
      } else {
        const notes = (rev.body.entry ?? []).filter((e: any) => e.search.mode === 'include' && e.resource.id.startsWith('note-')).map((e: any) => e.resource.id).sort();
        assert.deepEqual(notes, visible.map(noteId).sort(), `${caller}: _revinclude`);
      }
      // Batch GET entries follow the same rules.
      const batch = await t.request(
        'POST',
        '/',
        { resourceType: 'Bundle', type: 'batch', entry: LABELS.map((l) => ({ request: { method: 'GET', url: `DocumentReference/${noteId(l)}` } })) },
        as(caller),
      );
      assert.deepEqual(
        batch.body.entry.map((e: any) => e.response.status),
        LABELS.map((l: Label) => (expectedVisible(caller, l) ? '200 OK' : '404')),
        `${caller}: batch`,
      );
    });
  }

  it('the outsider sees its own patient but not P’s notebook; AuditEvents need an auditor scope', async () => {
    assert.equal((await get('outsider', '/Patient/Q')).status, 200);
    assert.equal((await get('outsider', '/Patient/P')).status, 404);
    assert.equal((await get('gp', '/Practitioner/pr-out')).status, 200, 'directory data stays visible');
    const audit = await get('system', '/AuditEvent?_count=1&_total=accurate');
    assert.equal(audit.body.total, 0, 'system/*.cruds is not an auditor scope');
    const auditorToken = await t.token({ scope: 'system/AuditEvent.rs', clientId: 'auditor' });
    await t.server.engine.auditor.drain();
    const audited = await t.request('GET', '/AuditEvent?_count=1&_total=accurate', undefined, { authorization: `Bearer ${auditorToken}` });
    assert.equal(audited.status, 200);
    assert.ok(audited.body.total > 100, `audit events recorded: ${audited.body.total}`);
  });
});

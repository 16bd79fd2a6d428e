/**
 * The authorization matrix, continued: read paths beyond the ones of `authorization-matrix.test.ts`
 * — system history, Provenance of a note (read, search, _revinclude), `_include=*`, Binary
 * searches, conditional reads (If-None-Match), HEAD, transaction GET entries and deletes by a
 * non-author — for every caller category × every audience label. A hidden note is
 * indistinguishable from a missing one on each of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CALLERS, LABELS, expectedVisible, loadCareCircle, noteId, replyId, type CallerName } from './support/care-circle.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('authorization matrix: more read paths', () => {
  let t: TestServer;
  let tokens: Record<CallerName, string>;
  let binaryOf: Record<string, string>;
  /** Provenance id of each labelled note's creation. */
  const provenanceOf: Record<string, string> = {};
  before(async () => {
    t = await startTestServer({ CDL_ATTACHMENT_INLINE_MAX: '1024' });
    ({ tokens, binaryOf } = await loadCareCircle(t));
    for (const label of LABELS) {
      const r = await t.request('GET', `/Provenance?target=DocumentReference/${noteId(label)}`);
      assert.equal(r.body.entry.length, 1, `Provenance of ${noteId(label)}`);
      provenanceOf[label] = r.body.entry[0].resource.id;
    }
  });
  after(() => t.close());

  const as = (caller: CallerName) => ({ authorization: `Bearer ${tokens[caller]}` });
  const get = (caller: CallerName, path: string, headers: Record<string, string> = {}) => t.request('GET', path, undefined, { ...as(caller), ...headers });
  const ids = (bundle: any, mode?: string): string[] =>
    (bundle.entry ?? []).filter((e: any) => mode === undefined || e.search?.mode === mode).map((e: any) => e.resource?.id).filter(Boolean).sort();

  it('deleting an already-deleted note the caller may not see answers like a missing note', async () => {
    const nurse = as('author');
    const hidden = { ...(await t.request('GET', `/DocumentReference/${noteId('MASQUE_PS')}`)).body, id: 'gone-masked', meta: undefined };
    assert.equal((await t.request('PUT', '/DocumentReference/gone-masked', hidden, nurse)).status, 201);
    assert.equal((await t.request('DELETE', '/DocumentReference/gone-masked', undefined, nurse)).status, 200);
    const gp = await t.request('DELETE', '/DocumentReference/gone-masked', undefined, as('gp'));
    const missing = await t.request('DELETE', '/DocumentReference/never-was', undefined, as('gp'));
    assert.equal(gp.status, 404, gp.text);
    assert.equal(gp.text.replaceAll('gone-masked', 'X'), missing.text.replaceAll('never-was', 'X'));
    assert.equal((await t.request('DELETE', '/DocumentReference/gone-masked', undefined, as('outsider'))).status, 404);
    assert.equal((await t.request('DELETE', '/DocumentReference/gone-masked', undefined, as('system'))).status, 200, 'a system client is told it is already deleted');
  });

  for (const caller of CALLERS.filter((c) => c !== 'device')) {
    it(`${caller}: system history, Provenance, _include=*, Binary search, If-None-Match, HEAD, transaction GET, delete`, async () => {
      const visible = LABELS.filter((l) => expectedVisible(caller, l));
      const system = await get(caller, '/_history?_count=1000');
      assert.equal(system.status, 200, system.text);
      const systemNotes = [...new Set((system.body.entry ?? []).map((e: any) => e.resource?.id).filter((x: string) => x?.startsWith('note-')))].sort();
      assert.deepEqual(systemNotes, visible.map(noteId).sort(), `${caller}: system history`);
      const systemProvenances = (system.body.entry ?? []).filter((e: any) => e.resource?.resourceType === 'Provenance').map((e: any) => e.resource.id);
      for (const label of LABELS) {
        const want = expectedVisible(caller, label);
        const where = `${caller} × ${label}`;
        const id = noteId(label);
        assert.equal(systemProvenances.includes(provenanceOf[label]), want, `${where}: Provenance in system history`);

        const prov = await get(caller, `/Provenance/${provenanceOf[label]}`);
        assert.equal(prov.status, want ? 200 : 404, `${where}: Provenance read`);
        const provSearch = await get(caller, `/Provenance?target=DocumentReference/${id}&_total=accurate`);
        assert.equal(provSearch.body.total, want ? 1 : 0, `${where}: Provenance search`);
        const rev = await get(caller, `/DocumentReference?_id=${id}&_revinclude=Provenance:target`);
        assert.deepEqual(ids(rev.body, 'include'), want ? [provenanceOf[label]] : [], `${where}: _revinclude=Provenance:target`);

        const star = await get(caller, `/DocumentReference?_id=${replyId(label)}&_include=*`);
        assert.equal(ids(star.body, 'include').includes(id), want, `${where}: _include=*`);
        assert.deepEqual(ids(star.body, 'match'), caller === 'outsider' ? [] : [replyId(label)], `${where}: the reply (unlabelled) follows the circle`);

        const binaryId = binaryOf[label]!.split('/').pop()!;
        const bin = await get(caller, `/Binary?_id=${binaryId}&_total=accurate`);
        assert.equal(bin.body.total, want ? 1 : 0, `${where}: Binary search`);

        const conditional = await get(caller, `/DocumentReference/${id}`, { 'if-none-match': 'W/"1"' });
        assert.equal(conditional.status, want ? 304 : 404, `${where}: If-None-Match`);
        const head = await t.fetch(`${t.base}/DocumentReference/${id}`, { method: 'HEAD', headers: as(caller) });
        assert.equal(head.status, want ? 200 : 404, `${where}: HEAD`);

        if (caller !== 'author' && caller !== 'system') {
          // Refused for a visible note (not its author), unknown for a hidden one; nothing changes.
          const canDelete = caller !== 'patient';
          const del = await t.request('DELETE', `/DocumentReference/${id}`, undefined, as(caller));
          assert.equal(del.status, canDelete && !want ? 404 : 403, `${where}: delete by a non-author`);
          if (canDelete && !want) {
            const missing = await t.request('DELETE', '/DocumentReference/no-such-note', undefined, as(caller));
            assert.equal(del.text.replaceAll(id, 'X'), missing.text.replaceAll('no-such-note', 'X'), `${where}: delete hidden = delete missing`);
          }
        }
      }
      // A transaction fails whole on a failing GET entry: a hidden note fails it exactly like a missing one.
      const txGet = (id: string) =>
        t.request('POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: `DocumentReference/${id}` } }] }, as(caller));
      const txMissing = await txGet('no-such-note');
      for (const label of LABELS) {
        const tx = await txGet(noteId(label));
        if (expectedVisible(caller, label)) {
          assert.equal(tx.status, 200, `${caller} × ${label}: transaction GET`);
          assert.equal(tx.body.entry[0].resource.id, noteId(label));
        } else {
          assert.equal(tx.status, 404, `${caller} × ${label}: transaction GET`);
          assert.equal(tx.text.replaceAll(noteId(label), 'X'), txMissing.text.replaceAll('no-such-note', 'X'), `${caller} × ${label}: transaction GET hidden = missing`);
        }
      }
      // Nothing was deleted by the attempts above.
      for (const label of LABELS) assert.equal((await t.request('GET', `/DocumentReference/${noteId(label)}`)).body.meta.versionId, '1');
    });
  }
});

/** Attack tests on authorization and imputability: authors only, relabels, transactions, server-written resources, audit. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyAuditChain } from '../src/engine/audit/verify-chain.js';
import { typeNote, visibilityStatus } from '../src/fhir/terminology.js';
import { loadCareCircle, type CallerName } from './support/care-circle.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const noteBody = (id: string, author: string, patient = 'P') => ({
  resourceType: 'DocumentReference',
  id,
  status: 'current',
  type: { coding: [{ system: typeNote.url, code: 'OBS' }] },
  subject: { reference: `Patient/${patient}` },
  author: [{ reference: author }],
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('observation').toString('base64') } }],
});

describe('authorization attacks and imputability', () => {
  let t: TestServer;
  let tokens: Record<CallerName, string>;
  before(async () => {
    t = await startTestServer();
    ({ tokens } = await loadCareCircle(t));
  });
  after(() => t.close());
  const as = (caller: CallerName) => ({ authorization: `Bearer ${tokens[caller]}` });

  it('a note written naming someone else as author → 403, nothing stored', async () => {
    const r = await t.request('PUT', '/DocumentReference/forged', noteBody('forged', 'PractitionerRole/role-gp'), as('author'));
    assert.equal(r.status, 403);
    assert.match(r.body.issue[0].diagnostics, /authors must include the caller/);
    assert.equal((await t.request('GET', '/DocumentReference/forged')).status, 404);
  });

  it('a note in a notebook outside the circle → 403', async () => {
    const r = await t.request('POST', '/DocumentReference', noteBody('x', 'PractitionerRole/role-out'), as('outsider'));
    assert.equal(r.status, 403);
    assert.match(r.body.issue[0].diagnostics, /not open to the caller/);
  });

  it('only an author updates, deactivates or deletes a note; the author may', async () => {
    const created = await t.request('PUT', '/DocumentReference/own-1', noteBody('own-1', 'PractitionerRole/role-nurse'), as('author'));
    assert.equal(created.status, 201);
    const note = created.body;
    const byGp = await t.request('PUT', '/DocumentReference/own-1', { ...note, description: 'changed by GP' }, as('gp'));
    assert.equal(byGp.status, 403);
    assert.match(byGp.body.issue[0].diagnostics, /Only an author/);
    assert.equal((await t.request('DELETE', '/DocumentReference/own-1', undefined, as('gp'))).status, 403);
    assert.equal((await t.request('DELETE', '/DocumentReference/own-1', undefined, as('relative'))).status, 403);
    const deactivated = await t.request('PUT', '/DocumentReference/own-1', { ...note, status: 'entered-in-error' }, as('author'));
    assert.equal(deactivated.status, 200);
    assert.equal((await t.request('GET', '/DocumentReference/own-1')).body.meta.versionId, '2');
  });

  it('a note that cannot be deleted (referenced) does not name its referrers to a user', async () => {
    await t.request('PUT', '/DocumentReference/parent-1', noteBody('parent-1', 'PractitionerRole/role-nurse'), as('author'));
    const reply = {
      ...noteBody('reply-hidden', 'PractitionerRole/role-gp'),
      relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/parent-1' } }],
      securityLabel: [{ coding: [{ system: visibilityStatus.url, code: 'MASQUE_PS' }] }],
    };
    assert.equal((await t.request('PUT', '/DocumentReference/reply-hidden', reply, as('gp'))).status, 201);
    const r = await t.request('DELETE', '/DocumentReference/parent-1', undefined, as('author'));
    assert.equal(r.status, 409);
    assert.match(r.body.issue[0].diagnostics, /referenced by 1 other resource$/);
    assert.doesNotMatch(r.text, /reply-hidden/);
    const bySystem = await t.request('DELETE', '/DocumentReference/parent-1', undefined, as('system'));
    assert.equal(bySystem.status, 409);
    assert.match(bySystem.body.issue[0].diagnostics, /referenced by DocumentReference\/reply-hidden/);
  });

  it('an update by a non-author inside a transaction refuses the whole Bundle', async () => {
    const n = (await t.request('PUT', '/DocumentReference/own-2', noteBody('own-2', 'PractitionerRole/role-nurse'), as('author'))).body;
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...n, description: 'hijacked' }, request: { method: 'PUT', url: 'DocumentReference/own-2' } },
        { resource: { resourceType: 'Practitioner', id: 'pr-new', name: [{ family: 'Nouveau' }] }, request: { method: 'PUT', url: 'Practitioner/pr-new' } },
      ],
    };
    const r = await t.request('POST', '/', bundle, as('gp'));
    assert.equal(r.status, 403);
    assert.match(r.body.issue[0].diagnostics, /Bundle\.entry\[0\]/);
    assert.equal((await t.request('GET', '/DocumentReference/own-2')).body.meta.versionId, '1');
    assert.equal((await t.request('GET', '/Practitioner/pr-new')).status, 404);
  });

  it('relabel then vread: older versions follow the strictest label', async () => {
    const v1 = (await t.request('PUT', '/DocumentReference/relabel', noteBody('relabel', 'PractitionerRole/role-nurse'), as('author'))).body;
    assert.equal((await t.request('GET', '/DocumentReference/relabel/_history/1', undefined, as('gp'))).status, 200);
    const v2 = await t.request('PUT', '/DocumentReference/relabel', { ...v1, securityLabel: [{ coding: [{ system: visibilityStatus.url, code: 'MASQUE_PS' }] }] }, as('author'));
    assert.equal(v2.status, 200);
    assert.equal((await t.request('GET', '/DocumentReference/relabel', undefined, as('gp'))).status, 404);
    assert.equal((await t.request('GET', '/DocumentReference/relabel/_history/1', undefined, as('gp'))).status, 404);
    assert.equal((await t.request('GET', '/DocumentReference/relabel/_history', undefined, as('gp'))).status, 404);
    assert.equal((await t.request('GET', '/DocumentReference/relabel/_history/1', undefined, as('relative'))).status, 200);
  });

  it('clients never write AuditEvent or Provenance; CareTeams and Patients are managed by system clients', async () => {
    assert.equal((await t.request('POST', '/AuditEvent', { resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: '2026-01-01T00:00:00Z', agent: [{ requestor: true }], source: { observer: { display: 'x' } } })).status, 403);
    assert.equal((await t.request('POST', '/Provenance', { resourceType: 'Provenance', target: [{ reference: 'Patient/P' }], recorded: '2026-01-01T00:00:00Z', agent: [{ who: { reference: 'Patient/P' } }] })).status, 403);
    const team = await t.request('PUT', '/CareTeam/team-P', { resourceType: 'CareTeam', id: 'team-P', status: 'active', subject: { reference: 'Patient/P' }, participant: [{ member: { reference: 'PractitionerRole/role-out' } }] }, as('gp'));
    assert.equal(team.status, 403);
    assert.equal((await t.request('POST', '/Patient', { resourceType: 'Patient' }, as('gp'))).status, 403);
    // A patient in the caller's circle may be updated (flow 2a), one outside it may not be seen.
    const p = (await t.request('GET', '/Patient/P')).body;
    assert.equal((await t.request('PUT', '/Patient/P', { ...p, gender: 'female' }, as('gp'))).status, 200);
    const q = (await t.request('GET', '/Patient/Q')).body;
    assert.equal((await t.request('PUT', '/Patient/Q', { ...q, gender: 'female' }, as('gp'))).status, 404);
    assert.equal((await t.request('DELETE', '/Patient/P', undefined, as('gp'))).status, 403);
  });

  it('every note change writes a Provenance (author, system client on behalf of the author)', async () => {
    await t.request('PUT', '/DocumentReference/prov-1', noteBody('prov-1', 'PractitionerRole/role-nurse'), as('author'));
    await t.request('PUT', '/DocumentReference/prov-2', noteBody('prov-2', 'PractitionerRole/role-nurse'), as('system'));
    const p1 = (await t.request('GET', '/Provenance?target=DocumentReference/prov-1')).body.entry.map((e: any) => e.resource);
    assert.equal(p1.length, 1);
    assert.equal(p1[0].target[0].reference, 'DocumentReference/prov-1/_history/1');
    assert.equal(p1[0].activity.coding[0].code, 'CREATE');
    assert.equal(p1[0].agent[0].who.reference, 'PractitionerRole/role-nurse');
    const p2 = (await t.request('GET', '/Provenance?target=DocumentReference/prov-2')).body.entry[0].resource;
    assert.equal(p2.agent[0].who.identifier.value, 'platform');
    assert.equal(p2.agent[0].onBehalfOf.reference, 'PractitionerRole/role-nurse');
    // The Provenance of a hidden note is hidden with it.
    assert.equal((await t.request('GET', '/Provenance?target=DocumentReference/prov-1', undefined, as('outsider'))).body.entry, undefined);
  });

  it('a device writes notes for its patient but cannot read', async () => {
    const w = await t.request('POST', '/DocumentReference', noteBody('dev', 'Device/dev-scale'), as('device'));
    assert.equal(w.status, 201, w.text);
    assert.equal((await t.request('GET', `/DocumentReference/${w.body.id}`, undefined, as('device'))).status, 403);
    assert.equal((await t.request('POST', '/DocumentReference', noteBody('dev', 'Device/dev-scale', 'Q'), as('device'))).status, 403);
  });

  it('the audit chain verifies, and detects tampering', async () => {
    await t.server.engine.auditor.drain();
    const ok = await verifyAuditChain(t.server.storage);
    assert.equal(ok.ok, true);
    assert.ok(ok.verified > 50, `verified ${ok.verified}`);
    const [row] = await t.sql<{ hid: number; json: string }>("SELECT hid, json FROM history WHERE type = 'AuditEvent' ORDER BY hid LIMIT 1 OFFSET 10");
    await t.sql('UPDATE history SET json = ? WHERE hid = ?', [row!.json.replace('"outcome":"0"', '"outcome":"4"').replace('"outcome":"4"', '"outcome":"8"'), row!.hid]);
    const broken = await verifyAuditChain(t.server.storage);
    assert.equal(broken.ok, false);
    assert.equal(broken.verified, 10);
  });
});

describe('limits', () => {
  it('rate limit per client: 429 with Retry-After', async () => {
    const t = await startTestServer({ CDL_RATE_LIMIT: '1', CDL_RATE_BURST: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await t.request('GET', '/Patient')).status);
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      const limited = await t.request('GET', '/Patient');
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(limited.body.issue[0].code, 'throttled');
      // Per client: another token still gets through.
      const other = await t.token({ scope: 'system/*.cruds', clientId: 'another-client' });
      assert.equal((await t.request('GET', '/Patient', undefined, { authorization: `Bearer ${other}` })).status, 200);
      // Failed authentications count against the address: a flood of bad tokens ends in 429s too.
      const bad = [];
      for (let i = 0; i < 5; i++) bad.push((await t.request('GET', '/Patient', undefined, { authorization: 'Bearer forged' })).status);
      assert.deepEqual(bad.slice(0, 3), [401, 401, 401]);
      assert.equal(bad[4], 429);
    } finally {
      await t.close();
    }
  });

  it('_count is capped at the server maximum', async () => {
    const t = await startTestServer({ CDL_MAX_COUNT: '5' });
    try {
      for (let i = 0; i < 7; i++) await t.request('POST', '/Device', { resourceType: 'Device', serialNumber: `D${i}` });
      const r = await t.request('GET', '/Device?_count=100');
      assert.equal(r.body.entry.length, 5);
      assert.ok(r.body.link.some((l: any) => l.relation === 'next'));
    } finally {
      await t.close();
    }
  });

  it('Pro Santé Connect: SubjectNameID resolves to the Practitioner with that national id', async () => {
    const t = await startTestServer();
    try {
      await loadCareCircle(t);
      const psc = await t.token({ scope: 'user/*.rs', subject: 'psc-sub', extraClaims: { SubjectNameID: '81000000002', SubjectRefPro: { exercices: [{ codeProfession: '10' }] } } });
      const r = await t.request('GET', '/DocumentReference?patient=Patient/P&_summary=count', undefined, { authorization: `Bearer ${psc}` });
      assert.equal(r.status, 200, r.text);
      // pr-gp is in P's circle through role-gp: every note but MASQUE_PS (6 labelled notes + 6 replies - 1)
      assert.equal(r.body.total, 11);
      const unknown = await t.token({ scope: 'user/*.rs', subject: 'psc-2', extraClaims: { SubjectNameID: '89999999999' } });
      assert.equal((await t.request('GET', '/Patient', undefined, { authorization: `Bearer ${unknown}` })).status, 403);
    } finally {
      await t.close();
    }
  });
});

/**
 * End-to-end: the audit log. Every interaction, allowed or refused (failed authentication
 * included), writes an AuditEvent following IHE BALP; clients never write or delete audit or
 * Provenance; every note change writes a Provenance; `npm run audit:verify` (the real CLI, on
 * this server's database) verifies the chain and reports tampering.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadCareCircle, noteId, type CallerName } from './support/care-circle.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const AUDIT_VERIFY = fileURLToPath(new URL('../src/cli/audit-verify.js', import.meta.url));

type Event = Record<string, any>;

describe('audit log', () => {
  let t: TestServer;
  let tokens: Record<CallerName, string>;
  let auditor: { authorization: string };
  before(async () => {
    t = await startTestServer({ CDL_ATTACHMENT_INLINE_MAX: '1024' });
    ({ tokens } = await loadCareCircle(t));
    auditor = { authorization: `Bearer ${await t.token({ scope: 'system/AuditEvent.rs', clientId: 'auditor' })}` };
  });
  after(() => t.close());
  const as = (caller: CallerName) => ({ authorization: `Bearer ${tokens[caller]}` });

  /** The AuditEvents recorded since `since` (a count of events), oldest first. */
  const eventsAfter = async (since: number): Promise<Event[]> => {
    await t.server.engine.auditor.drain();
    const all: Event[] = [];
    let page = (await t.request('GET', '/AuditEvent/_history?_count=1000', undefined, auditor)).body;
    for (;;) {
      all.push(...(page.entry ?? []).map((e: any) => e.resource));
      const next = page.link?.find((l: any) => l.relation === 'next');
      if (!next) break;
      page = (await t.request('GET', next.url.slice(t.base.length), undefined, auditor)).body;
    }
    // Leave out the test's own bookkeeping: the auditor's reads and the suite's system token.
    return all.reverse().slice(since).filter((e) => !e.agent.some((a: any) => ['auditor', 'test-suite'].includes(a.who?.identifier?.value)));
  };
  const eventCount = async () => {
    await t.server.engine.auditor.drain();
    return (await t.request('GET', '/AuditEvent?_summary=count', undefined, auditor)).body.total as number;
  };
  const subtype = (e: Event) => e.subtype[0].code as string;
  const who = (e: Event) => e.agent[0].who;
  const entities = (e: Event) => (e.entity ?? []).map((x: any) => x.what?.reference).filter(Boolean);

  it('allowed interactions: user, client address, patient, resources, outcome 0; the query of a search', async () => {
    const since = await eventCount();
    const nurse = as('author');
    const note = `/DocumentReference/${noteId('none')}`;
    const binary = (await t.request('GET', note)).body.content[0].attachment.url.slice(t.base.length);
    await t.request('GET', note, undefined, nurse);
    await t.request('GET', `${note}/_history/1`, undefined, nurse);
    await t.request('GET', `${note}/_history`, undefined, nurse);
    await t.request('GET', '/DocumentReference?patient=Patient/P&type=OBS', undefined, nurse);
    await t.request('GET', binary, undefined, nurse);
    const created = await t.request('POST', '/DocumentReference', { ...(await t.request('GET', note)).body, id: undefined, meta: undefined }, nurse);
    assert.equal(created.status, 201, created.text);
    await t.request('PUT', `/DocumentReference/${created.body.id}`, { ...created.body, description: 'modifiée' }, nurse);
    await t.request('DELETE', `/DocumentReference/${created.body.id}`, undefined, nurse);
    const events = await eventsAfter(since);
    assert.deepEqual(events.map(subtype), ['read', 'vread', 'history-instance', 'search-type', 'read', 'create', 'update', 'delete']);
    for (const e of events) {
      assert.equal(e.type.code, 'rest');
      assert.equal(e.outcome, '0', JSON.stringify(e));
      assert.deepEqual(who(e), { reference: 'PractitionerRole/role-nurse' });
      assert.equal(e.agent[0].requestor, true);
      assert.equal(e.agent[0].network.address, '127.0.0.1');
      assert.equal(e.entity[0].what.reference, 'Patient/P', `${subtype(e)}: patient entity`);
    }
    const [read, vread, , search, binaryRead, create, update, del] = events;
    assert.deepEqual(entities(read!), ['Patient/P', `DocumentReference/${noteId('none')}`]);
    assert.equal(read!.action, 'R');
    assert.deepEqual(entities(vread!), ['Patient/P', `DocumentReference/${noteId('none')}/_history/1`]);
    assert.equal(search!.action, 'E');
    const query = search!.entity.find((x: any) => x.role.code === '24');
    assert.equal(Buffer.from(query.query, 'base64').toString('utf8'), 'patient=Patient/P&type=OBS');
    assert.ok(entities(binaryRead!)[1]!.startsWith('Binary/'));
    assert.deepEqual([create!.action, update!.action, del!.action], ['C', 'U', 'D']);
    assert.deepEqual(entities(update!), ['Patient/P', `DocumentReference/${created.body.id}/_history/2`]);
  });

  it('refused interactions are audited too: no token, bad token, missing scope, hidden note, forbidden write', async () => {
    const since = await eventCount();
    await t.request('GET', '/DocumentReference/x', undefined, { authorization: '' });
    await t.request('GET', '/Patient?name=x', undefined, { authorization: 'Bearer not.a.token' });
    await t.request('DELETE', `/DocumentReference/${noteId('none')}`, undefined, as('patient'));
    await t.request('GET', `/DocumentReference/${noteId('MASQUE_PS')}`, undefined, as('gp'));
    await t.request('PUT', '/PractitionerRole/role-gp', { resourceType: 'PractitionerRole', id: 'role-gp' }, as('gp'));
    const events = await eventsAfter(since);
    assert.equal(events.length, 5, JSON.stringify(events.map(subtype)));
    assert.deepEqual(events.map((e) => e.outcome), ['4', '4', '4', '4', '4']);
    assert.deepEqual(events.map(subtype), ['read', 'search-type', 'delete', 'read', 'update']);
    assert.deepEqual(events.map((e) => e.outcomeDesc), ['login', 'login', 'forbidden', 'not-found', 'forbidden']);
    assert.deepEqual(who(events[0]!), { display: 'unauthenticated' });
    assert.deepEqual(who(events[1]!), { display: 'unauthenticated' });
    assert.equal(events[0]!.agent[0].network.address, '127.0.0.1');
    assert.deepEqual(who(events[2]!), { reference: 'Patient/P' });
    assert.deepEqual(who(events[3]!), { reference: 'PractitionerRole/role-gp' });
    assert.deepEqual(entities(events[3]!), [`DocumentReference/${noteId('MASQUE_PS')}`], 'a hidden note names no patient');
  });

  it('a search spanning several notebooks writes one AuditEvent per patient', async () => {
    await t.request('PUT', '/DocumentReference/q-note', {
      resourceType: 'DocumentReference',
      id: 'q-note',
      status: 'current',
      type: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote', code: 'OBS' }] },
      subject: { reference: 'Patient/Q' },
      author: [{ reference: 'PractitionerRole/role-out' }],
      content: [{ attachment: { contentType: 'text/plain', data: 'eA==' } }],
    });
    const since = await eventCount();
    const r = await t.request('GET', '/DocumentReference?type=OBS&_count=100&_include=DocumentReference:author', undefined, as('system'));
    assert.equal(r.status, 200);
    const events = await eventsAfter(since);
    assert.deepEqual(events.map((e) => e.entity[0].what.reference).sort(), ['Patient/P', 'Patient/Q']);
    // Each event names that notebook's notes only, and the directory resources shown beside them.
    const entries = r.body.entry.map((e: any) => e.resource);
    const notesOf = (p: string) => entries.filter((x: any) => x.resourceType === 'DocumentReference' && x.subject.reference === p).map((x: any) => `DocumentReference/${x.id}`).sort();
    const directory = entries.filter((x: any) => x.resourceType !== 'DocumentReference').map((x: any) => `${x.resourceType}/${x.id}`).sort();
    assert.ok(notesOf('Patient/P').length > 0 && notesOf('Patient/Q').length > 0 && directory.length > 0);
    for (const e of events) {
      const patient = e.entity[0].what.reference as string;
      const named = entities(e).slice(1) as string[];
      assert.deepEqual(named.filter((x) => x.startsWith('DocumentReference/')).sort(), notesOf(patient), patient);
      assert.deepEqual(named.filter((x) => !x.startsWith('DocumentReference/')).sort(), directory, patient);
    }
    for (const e of events) assert.deepEqual(e.agent[1].who.identifier, { system: 'urn:ietf:params:oauth:client-id', value: 'platform' });
  });

  it('clients never write or delete AuditEvents and Provenances, even with system scopes or in a transaction', async () => {
    const event = (await t.request('GET', '/AuditEvent?_count=1', undefined, auditor)).body.entry[0].resource;
    const provenance = (await t.request('GET', `/Provenance?target=DocumentReference/${noteId('none')}`)).body.entry[0].resource;
    const attempts: Array<[string, string, unknown]> = [
      ['PUT', `/AuditEvent/${event!.id}`, { ...event, outcome: '0' }],
      ['DELETE', `/AuditEvent/${event!.id}`, undefined],
      ['PUT', `/Provenance/${provenance.id}`, { ...provenance, recorded: '2020-01-01T00:00:00Z' }],
      ['DELETE', `/Provenance/${provenance.id}`, undefined],
      ['POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: `AuditEvent/${event!.id}` } }] }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await t.request(method, path, body, { ...as('system'), ...auditor });
      assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
      assert.match(r.body.issue[0].diagnostics, /written by the server only/);
    }
    assert.equal((await t.request('GET', `/AuditEvent/${event!.id}`, undefined, auditor)).body.meta.versionId, '1');
    assert.equal((await t.request('GET', `/Provenance/${provenance.id}`)).body.meta.versionId, '1');
  });

  it('every note create, update, deactivation and delete writes a Provenance of that version; a refused change writes none', async () => {
    const nurse = as('author');
    const body = (await t.request('GET', `/DocumentReference/${noteId('none')}`)).body;
    const put = await t.request('PUT', '/DocumentReference/prov-cycle', { ...body, id: 'prov-cycle', meta: undefined }, nurse);
    assert.equal(put.status, 201, put.text);
    const created = put.body;
    await t.request('PUT', '/DocumentReference/prov-cycle', { ...created, description: 'v2' }, nurse);
    assert.equal((await t.request('PUT', '/DocumentReference/prov-cycle', { ...created, description: 'stale' }, { ...nurse, 'if-match': 'W/"1"' })).status, 412);
    assert.equal((await t.request('PUT', '/DocumentReference/prov-cycle', { ...created, description: 'by gp' }, as('gp'))).status, 403);
    await t.request('PUT', '/DocumentReference/prov-cycle', { ...created, status: 'entered-in-error' }, nurse);
    await t.request('DELETE', '/DocumentReference/prov-cycle', undefined, as('system'));
    const found = await t.request('GET', '/Provenance?target=DocumentReference/prov-cycle&_sort=recorded');
    assert.equal(found.status, 200, found.text);
    const provs = found.body.entry.map((e: any) => e.resource);
    assert.deepEqual(provs.map((p: any) => p.target[0].reference), [1, 2, 3, 4].map((v) => `DocumentReference/prov-cycle/_history/${v}`));
    assert.deepEqual(provs.map((p: any) => p.activity.coding[0].code), ['CREATE', 'UPDATE', 'UPDATE', 'DELETE']);
    assert.deepEqual(provs.slice(0, 3).map((p: any) => p.agent[0].who.reference), ['PractitionerRole/role-nurse', 'PractitionerRole/role-nurse', 'PractitionerRole/role-nurse']);
    assert.equal(provs[3].agent[0].who.identifier.value, 'platform', 'the system client');
    assert.equal(provs[3].agent[0].onBehalfOf.reference, 'PractitionerRole/role-nurse', 'on behalf of the author');
    for (const p of provs) assert.match(p.recorded, /^\d{4}-\d\d-\d\dT/);
    // The deletion stays traceable to the circle (the note's rules), not to outsiders.
    assert.equal((await t.request('GET', '/Provenance?target=DocumentReference/prov-cycle&_summary=count', undefined, as('gp'))).body.total, 4);
    assert.equal((await t.request('GET', '/Provenance?target=DocumentReference/prov-cycle&_summary=count', undefined, as('outsider'))).body.total, 0);
  });

  it('npm run audit:verify: OK on the live chain, then reports an altered event and a deleted one', async () => {
    await t.server.engine.auditor.drain();
    const verify = () => spawnSync(process.execPath, [AUDIT_VERIFY], { env: { ...process.env, ...t.storageEnv, CDL_LOG_LEVEL: 'silent' }, encoding: 'utf8' });
    const ok = verify();
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    const verified = Number(/audit chain OK: (\d+) events verified/.exec(ok.stdout)?.[1]);
    assert.ok(verified > 50, ok.stdout);
    const rows = await t.sql<{ hid: number; json: string }>("SELECT hid, json FROM history WHERE type = 'AuditEvent' ORDER BY hid");
    const victim = rows[20]!;
    await t.sql('UPDATE history SET json = ? WHERE hid = ?', [victim.json.replace('"outcome":"0"', '"outcome":"8"').replace('"outcome":"4"', '"outcome":"0"'), victim.hid]);
    const altered = verify();
    assert.equal(altered.status, 1, altered.stdout);
    assert.match(altered.stdout, /audit chain BROKEN at link \d+ \(AuditEvent\/[0-9a-f-]+\): hash mismatch.*; 20 events verified before it/);
    await t.sql('UPDATE history SET json = ? WHERE hid = ?', [victim.json, victim.hid]);
    assert.equal(verify().status, 0, 'restored');
    await t.sql('DELETE FROM audit_chain WHERE seq = (SELECT seq FROM audit_chain ORDER BY seq LIMIT 1 OFFSET 5)');
    const removed = verify();
    assert.equal(removed.status, 1, removed.stdout);
    assert.match(removed.stdout, /BROKEN at link \d+ .*hash mismatch.*; 5 events verified before it/);
  });
});

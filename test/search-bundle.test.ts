/**
 * End-to-end searchset Bundles: entry shape (fullUrl, search.mode, order), self and next links,
 * exact `_include` / `_revinclude` sets (specific, typed, `*`, `:iterate`, per page, no
 * duplicates), `_summary` and `_elements`, and attachment bytes kept out of search results.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { loadSearchDataset } from './support/search-dataset.js';
import { matchIdsOf, putAll, searchHelpers, type SearchHelpers } from './support/search-helpers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const params = (url: string) => [...new URL(url).searchParams.entries()];

describe('search: Bundle shape and includes', () => {
  let t: TestServer;
  let s: SearchHelpers;
  before(async () => {
    t = await startTestServer();
    s = searchHelpers(t);
    await loadSearchDataset(t);
    // n8 answers n7 (which answers n1): a chain of replies for :iterate.
    const n7 = (await t.request('GET', '/DocumentReference/n7')).body;
    await putAll(t, [{ ...n7, id: 'n8', meta: undefined, relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/n7' } }] }]);
  });
  after(() => t.close());

  it('entries: fullUrl, search.mode, matches before includes; self link; total', async () => {
    const b = await s.bundle('/DocumentReference?patient=Patient/p2&_include=DocumentReference:author&_sort=date');
    const modes = b.entry.map((e: any) => e.search.mode);
    assert.deepEqual(modes, ['match', 'match', 'include', 'include']);
    assert.deepEqual(b.entry.slice(0, 2).map((e: any) => e.fullUrl), [`${t.base}/DocumentReference/n3`, `${t.base}/DocumentReference/n5`]);
    assert.deepEqual(b.entry.slice(2).map((e: any) => e.fullUrl).sort(), [`${t.base}/Patient/p2`, `${t.base}/Practitioner/dr-martin`]);
    for (const e of b.entry) assert.equal(e.fullUrl, `${t.base}/${e.resource.resourceType}/${e.resource.id}`);
    assert.equal(b.total, 2);
    const self = b.link.find((l: any) => l.relation === 'self').url;
    assert.ok(self.startsWith(`${t.base}/DocumentReference?`), self);
    assert.deepEqual(params(self), [['patient', 'Patient/p2'], ['_include', 'DocumentReference:author'], ['_sort', 'date']]);
    assert.equal(b.link.find((l: any) => l.relation === 'next'), undefined);
    assert.equal((await s.bundle('/DocumentReference?_id=nothing')).total, 0);
    assert.deepEqual((await s.bundle('/DocumentReference?_id=nothing')).entry, undefined);
  });

  it('next links keep the query; each page’s self link is the page itself', async () => {
    const pages = await s.pages('/DocumentReference?_sort=-date&_count=3&type=OBS,INTERV&_include=DocumentReference:subject');
    assert.deepEqual(pages.map(matchIdsOf), [['n6', 'n3', 'n1'], ['n2']]);
    const next = pages[0].link.find((l: any) => l.relation === 'next').url;
    const kept = params(next).filter(([k]) => k !== '_cursor');
    assert.deepEqual(kept, [['_sort', '-date'], ['_count', '3'], ['type', 'OBS,INTERV'], ['_include', 'DocumentReference:subject']]);
    assert.equal(pages[1].link.find((l: any) => l.relation === 'self').url, next);
    // Includes follow the page they belong to.
    assert.deepEqual(pages.map((p) => p.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => e.resource.id).sort()), [['p1', 'p2'], ['p1']]);
  });

  it('_include: specific, with a target type, *, :iterate; never duplicated, never a match again', async () => {
    const inc = (q: string) => s.included(`/DocumentReference?${q}`);
    assert.deepEqual(await inc('patient=p1&_include=DocumentReference:subject'), ['Patient/p1']);
    assert.deepEqual(await inc('_id=n1,n2,n6,n7&_include=DocumentReference:author'), ['Device/scale-1', 'Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
    assert.deepEqual(await inc('_id=n1,n2,n6,n7&_include=DocumentReference:author:Practitioner'), ['Practitioner/dr-dupont']);
    assert.deepEqual(await inc('_id=n1,n7&_include=DocumentReference:author&_include=DocumentReference:subject'), ['Patient/p1', 'Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
    // The IG's third query: _include=* brings every resource the matches refer to.
    assert.deepEqual(await inc('_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS'), [
      'Device/scale-1', 'Patient/p1', 'Patient/p2', 'Practitioner/dr-dupont', 'Practitioner/dr-martin',
    ]);
    // n7 refers to n1 (relatesTo): n1 is included, since it is not a match
    assert.deepEqual(await inc('_id=n7&_include=*'), ['DocumentReference/n1', 'Patient/p1', 'Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
    assert.deepEqual(await inc('_id=n1,n7&_include=*'), ['Patient/p1', 'Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
    assert.deepEqual(await inc('_id=n8&_include=DocumentReference:relatesto'), ['DocumentReference/n7']);
    assert.deepEqual(await inc('_id=n8&_include=DocumentReference:relatesto&_include:iterate=DocumentReference:relatesto'), ['DocumentReference/n1', 'DocumentReference/n7']);
    // :iterate applies to the matches as well as to what was included: * adds n2's subject too
    assert.deepEqual(await inc('_id=n2&_include=DocumentReference:author&_include:iterate=*'), ['Patient/p1', 'Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
    assert.deepEqual(await inc('_id=n2&_include:iterate=DocumentReference:author&_include:iterate=PractitionerRole:practitioner'), ['Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
    assert.deepEqual(await inc('_id=n4&_include=DocumentReference:author&_include:iterate=RelatedPerson:patient'), ['Patient/p1', 'RelatedPerson/rp-claire']);
    for (const bad of ['Patient:general-practitioner', 'DocumentReference:type', 'DocumentReference:nosuch', 'DocumentReference:subject:Organization', 'nonsense']) {
      assert.equal((await s.status(`/DocumentReference?_include=${bad}`)).status, 400, bad);
    }
  });

  it('_revinclude: specific, :iterate, Provenance:target', async () => {
    assert.deepEqual(await s.included('/Patient?_id=p2&_revinclude=DocumentReference:subject'), ['DocumentReference/n3', 'DocumentReference/n5']);
    assert.deepEqual(await s.included('/DocumentReference?_id=n1&_revinclude=DocumentReference:relatesto'), ['DocumentReference/n7']);
    assert.deepEqual(
      await s.included('/DocumentReference?_id=n1&_revinclude=DocumentReference:relatesto&_revinclude:iterate=DocumentReference:relatesto'),
      ['DocumentReference/n7', 'DocumentReference/n8'],
    );
    assert.deepEqual(await s.included('/Practitioner?_id=dr-dupont&_revinclude=PractitionerRole:practitioner'), ['PractitionerRole/role-dupont']);
    // The server writes one Provenance per note change, targeting the version it wrote.
    const b = await s.bundle('/DocumentReference?_id=n1,n3&_revinclude=Provenance:target');
    const provenances = b.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => e.resource);
    assert.deepEqual(provenances.map((p: any) => p.resourceType), ['Provenance', 'Provenance']);
    assert.deepEqual(provenances.map((p: any) => p.target[0].reference).sort(), ['DocumentReference/n1/_history/1', 'DocumentReference/n3/_history/1']);
    for (const e of b.entry) assert.equal(e.fullUrl, `${t.base}/${e.resource.resourceType}/${e.resource.id}`);
    assert.deepEqual(await s.included('/Patient?_id=p2&_revinclude=DocumentReference:subject&_revinclude=Provenance:target'), ['DocumentReference/n3', 'DocumentReference/n5']);
    // wildcards: every reference parameter of the source type (of every type for *) that can refer here
    assert.deepEqual(await s.included('/Patient?_id=p2&_revinclude=DocumentReference:*'), ['DocumentReference/n3', 'DocumentReference/n5']);
    // n8 is a copy of n7: also written by dr-dupont
    assert.deepEqual(await s.included('/Practitioner?_id=dr-dupont&_revinclude=*'), ['DocumentReference/n1', 'DocumentReference/n7', 'DocumentReference/n8', 'PractitionerRole/role-dupont']);
    const starred = await s.included('/DocumentReference?_id=n1&_revinclude=*');
    assert.deepEqual(starred.filter((x) => !x.startsWith('Provenance/')), ['DocumentReference/n7']);
    assert.equal(starred.length, 2, starred.join());
    assert.deepEqual(await s.included('/DocumentReference?_id=n3&_revinclude=Provenance:*'), (await s.included('/DocumentReference?_id=n3&_revinclude=Provenance:target')));
    for (const bad of ['Provenance:nosuch', 'Patient:link:Organization', 'DocumentReference:relatesto', 'DocumentReference:*:Patient']) {
      assert.equal((await s.status(`/Patient?_revinclude=${bad}`)).status, 400, bad);
    }
  });

  it('_summary true/data/count/false and _elements subset matches and mark them SUBSETTED', async () => {
    const withText = { ...(await t.request('GET', '/DocumentReference/n4')).body, id: 'n9', meta: undefined, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Chute dans la cuisine</div>' } };
    await putAll(t, [withText]);
    const read = (await t.request('GET', '/DocumentReference/n9')).body;
    assert.equal(read.text.status, 'generated');
    const one = async (q: string) => (await s.bundle(`/DocumentReference?_id=n9&${q}`)).entry[0].resource;
    const subsetted = (r: any) => r.meta.tag?.some((tg: any) => tg.code === 'SUBSETTED') === true;
    assert.deepEqual(await one('_summary=false'), read);
    const summary = await one('_summary=true');
    // n9 also has text and the emergency extension, which are not summary elements
    assert.deepEqual(Object.keys(summary).sort(), ['author', 'content', 'date', 'description', 'id', 'meta', 'resourceType', 'status', 'subject', 'type']);
    assert.ok(subsetted(summary));
    const data = await one('_summary=data');
    const { text: _narrative, meta: _m1, ...readRest } = read;
    const { meta: _m2, ...dataRest } = data;
    assert.equal(data.text, undefined);
    assert.deepEqual(dataRest, readRest);
    assert.ok(read.extension && data.extension);
    assert.ok(subsetted(data));
    const count = await s.bundle('/DocumentReference?patient=p1&_summary=count');
    assert.equal(count.total, 7);
    assert.equal(count.entry, undefined);
    const elements = await one('_elements=date,subject');
    assert.deepEqual(Object.keys(elements).sort(), ['content', 'date', 'id', 'meta', 'resourceType', 'status', 'subject']);
    assert.ok(subsetted(elements));
    assert.equal((await s.status('/DocumentReference?_summary=maybe')).status, 400);
    assert.equal((await s.status('/DocumentReference?_elements=nosuch')).status, 400);
  });
});

describe('search: attachment bytes stay out of search results', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ CDL_ATTACHMENT_INLINE_MAX: '1024' });
    await putAll(t, [{ ...patient(), id: 'pat' }, { ...practitioner(), id: 'pr' }]);
  });
  after(() => t.close());

  it('a large attachment is an attachment.url to its Binary in matches and includes', async () => {
    const bytes = Buffer.alloc(6000, 0x42);
    const big = note('pat', ['Practitioner/pr']) as any;
    big.id = 'big';
    big.content = [{ attachment: { contentType: 'application/pdf', title: 'compte rendu', data: bytes.toString('base64') } }];
    const reply = { ...(note('pat', ['Practitioner/pr']) as any), id: 'reply', relatesTo: [{ code: 'appends', target: { reference: 'DocumentReference/big' } }] };
    await putAll(t, [big, reply]);
    for (const q of ['_id=big', '_id=reply&_include=*', 'patient=pat&_summary=false', '_id=big&_elements=content']) {
      const r = await t.request('GET', `/DocumentReference?${q}`);
      assert.equal(r.status, 200);
      assert.ok(!r.text.includes(bytes.toString('base64').slice(0, 100)), `${q}: the bytes are not in the Bundle`);
      assert.ok(r.text.length < 4000, `${q}: ${r.text.length} characters`);
      const att = r.body.entry.find((e: any) => e.resource.id === 'big').resource.content[0].attachment;
      assert.equal(att.data, undefined);
      assert.equal(att.size, 6000);
      assert.match(att.url, new RegExp(`^${t.base}/Binary/[0-9a-f-]{36}$`));
      const raw = await t.fetch(att.url);
      assert.equal(raw.status, 200);
      assert.deepEqual(Buffer.from(await raw.arrayBuffer()), bytes);
    }
    // The Binary is reached through its URL, never as an included resource.
    const all = await t.request('GET', '/DocumentReference?_id=big&_include=*');
    assert.deepEqual(all.body.entry.map((e: any) => e.resource.resourceType).sort(), ['DocumentReference', 'Patient', 'Practitioner']);
  });
});

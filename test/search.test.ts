/** End-to-end search (flows 4 and 5): every IG criterion and FHIR search semantics, exact result sets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSearchDataset } from './support/search-dataset.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const TYPE = 'https://mos.esante.gouv.fr/NOS/TRE_R234-TypeNote/FHIR/TRE-R234-TypeNote';

describe('search', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await loadSearchDataset(t);
  });
  after(() => t.close());

  const search = async (q: string, headers?: Record<string, string>) => {
    const r = await t.request('GET', `/DocumentReference?${q}`, undefined, headers);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.body;
  };
  /** Ids of the matches, sorted (order-insensitive) unless `ordered`. */
  const ids = async (q: string, ordered = false) => {
    const b = await search(q);
    const list = (b.entry ?? []).filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id as string);
    return ordered ? list : list.sort();
  };

  describe('the IG example queries, verbatim', () => {
    it('_include=*&patient.identifier=…&author:Practitioner.identifier=…', async () => {
      const b = await search('_include=*&patient.identifier=1234567890112345678901&author:Practitioner.identifier=80123456789');
      const matches = b.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id).sort();
      // n1 (authored by the Practitioner), n2 (by their PractitionerRole), n7 (both)
      assert.deepEqual(matches, ['n1', 'n2', 'n7']);
      const included = b.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => `${e.resource.resourceType}/${e.resource.id}`).sort();
      assert.deepEqual(included, ['DocumentReference/n1', 'Patient/p1', 'Practitioner/dr-dupont', 'PractitionerRole/role-dupont'].filter((x) => x !== 'DocumentReference/n1'));
      assert.equal(b.type, 'searchset');
      assert.equal(b.total, 3);
    });

    it('_include=DocumentReference:subject&author:Practitioner.family=Dupont&author:Practitioner.given=Marie', async () => {
      const b = await search('_include=DocumentReference:subject&author:Practitioner.family=Dupont&author:Practitioner.given=Marie');
      const matches = b.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id).sort();
      assert.deepEqual(matches, ['n1', 'n2', 'n7']);
      const included = b.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => `${e.resource.resourceType}/${e.resource.id}`);
      assert.deepEqual(included, ['Patient/p1']);
    });

    it('_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS (value set OID as system)', async () => {
      // n1 is on 2013-03-16 (09:00Z); n2 is at 2013-03-15T23:30Z, before the day (UTC)
      assert.deepEqual(await ids('_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS'), ['n1', 'n3', 'n6']);
    });
  });

  describe('token', () => {
    it('code, system|code, |code, system|, OID alias, comma = OR, :not', async () => {
      assert.deepEqual(await ids('type=OBS'), ['n1', 'n3', 'n6']);
      assert.deepEqual(await ids(`type=${TYPE}|INTERV`), ['n2']);
      assert.deepEqual(await ids('type=|OBS'), []);
      assert.deepEqual(await ids(`type=${TYPE}|`), ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
      assert.deepEqual(await ids('type=urn:oid:1.2.250.1.213.1.1.4.334|GEN'), ['n4']);
      assert.deepEqual(await ids('type=GEN,INST'), ['n4', 'n7']);
      assert.deepEqual(await ids('type:not=OBS'), ['n2', 'n4', 'n5', 'n7']);
    });

    it('security-label (audience restriction) and :missing', async () => {
      assert.deepEqual(await ids('security-label=MASQUE_PT'), ['n3']);
      assert.deepEqual(await ids('security-label:missing=false'), ['n3']);
      assert.deepEqual(await ids('security-label:missing=true'), ['n1', 'n2', 'n4', 'n5', 'n6', 'n7']);
    });

    it('status', async () => {
      assert.deepEqual(await ids('status=entered-in-error'), ['n5']);
      assert.deepEqual(await ids('status=current&patient=Patient/p2'), ['n3']);
    });
  });

  describe('string (through chains)', () => {
    it('prefix, case- and accent-insensitive; not a substring', async () => {
      assert.deepEqual(await ids('author:Practitioner.family=dup'), ['n1', 'n2', 'n7']);
      assert.deepEqual(await ids('author:Practitioner.family=upont'), []);
      assert.deepEqual(await ids('subject:Patient.name=lefevre'), ['n1', 'n2', 'n4', 'n6', 'n7']);
      assert.deepEqual(await ids('subject:Patient.given=helene'), ['n1', 'n2', 'n4', 'n6', 'n7']);
      assert.deepEqual(await ids('author:RelatedPerson.name=LEFÈVRE'), ['n4']);
    });

    it(':exact and :contains', async () => {
      assert.deepEqual(await ids('author:Practitioner.family:exact=Dupont'), ['n1', 'n2', 'n7']);
      assert.deepEqual(await ids('author:Practitioner.family:exact=dupont'), []);
      assert.deepEqual(await ids('author:Practitioner.family:contains=upon'), ['n1', 'n2', 'n7']);
      assert.deepEqual(await ids('author:Patient.name=dupont'), ['n5']);
    });
  });

  describe('date', () => {
    it('every prefix against instants, with the implied precision range', async () => {
      assert.deepEqual(await ids('date=2013-03-16'), ['n1']);
      assert.deepEqual(await ids('date=eq2013-03'), ['n1', 'n2']);
      assert.deepEqual(await ids('date=ne2013'), ['n3', 'n4', 'n5', 'n6']);
      assert.deepEqual(await ids('date=lt2013-03-16'), ['n2']);
      assert.deepEqual(await ids('date=le2013-03-16'), ['n1', 'n2']);
      assert.deepEqual(await ids('date=gt2025'), ['n5', 'n6']);
      assert.deepEqual(await ids('date=ge2025-06-30T10:00:00Z'), ['n4', 'n5', 'n6']);
      assert.deepEqual(await ids('date=sa2024-01-01'), ['n4', 'n5', 'n6']);
      assert.deepEqual(await ids('date=eb2024-01-01'), ['n1', 'n2']);
      assert.deepEqual(await ids('date=ap2026-11-30T08:00:00+01:00'), ['n5', 'n6']);
      // n4 is 2025-06-30T12:00:00+02:00, i.e. 10:00:00Z
      assert.deepEqual(await ids('date=2025-06-30T10:00:00Z'), ['n4']);
      // eq needs the search range to contain the target's: a millisecond does not contain a second
      assert.deepEqual(await ids('date=2025-06-30T10:00:00.000Z'), []);
      assert.deepEqual(await ids('date=2025-06-30T12:00:00%2B02:00'), ['n4']);
      assert.deepEqual(await ids('date=2025-06-30T10:00:01Z'), []);
      assert.deepEqual(await ids('date=2025-06-30T10:00Z'), ['n4']);
    });

    it('repeated parameter = AND; :missing', async () => {
      assert.deepEqual(await ids('date=ge2013&date=lt2014'), ['n1', 'n2']);
      assert.deepEqual(await ids('date:missing=true'), ['n7']);
    });

    it('_lastUpdated', async () => {
      assert.deepEqual((await ids('_lastUpdated=gt2000-01-01')).length, 7);
      assert.deepEqual(await ids('_lastUpdated=lt2000-01-01'), []);
    });
  });

  describe('reference', () => {
    it('Type/id, bare id, :Type modifier, absolute URL', async () => {
      assert.deepEqual(await ids('patient=Patient/p2'), ['n3', 'n5']);
      assert.deepEqual(await ids('subject=p2'), ['n3', 'n5']);
      assert.deepEqual(await ids('subject:Patient=p2'), ['n3', 'n5']);
      assert.deepEqual(await ids(`subject=${encodeURIComponent(`${t.base}/Patient/p2`)}`), ['n3', 'n5']);
      assert.deepEqual(await ids('author=Device/scale-1'), ['n6']);
      assert.deepEqual(await ids('relatesto=DocumentReference/n1'), ['n7']);
    });

    it('chains of several links', async () => {
      assert.deepEqual(await ids('author:PractitionerRole.practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|80123456789'), ['n2', 'n7']);
      assert.deepEqual(await ids('subject:Patient.identifier=urn:oid:1.2.250.1.213.1.4.8|2990000000002'), ['n3', 'n5']);
      assert.deepEqual(await ids('author:Patient.identifier=2990000000002'), ['n5']);
      assert.deepEqual(await ids('author:Device.identifier=nothing'), []);
    });
  });

  describe('result shaping', () => {
    it('_sort=-date, date, _lastUpdated (missing values last)', async () => {
      assert.deepEqual(await ids('_sort=-date', true), ['n6', 'n5', 'n4', 'n3', 'n1', 'n2', 'n7']);
      assert.deepEqual(await ids('_sort=date', true), ['n2', 'n1', 'n3', 'n4', 'n5', 'n6', 'n7']);
      assert.deepEqual(await ids('_sort=-_lastUpdated&patient=Patient/p2', true), ['n5', 'n3']);
    });

    it('_count with next links walks every match once', async () => {
      const seen: string[] = [];
      let b = await search('_sort=-date&_count=3');
      assert.equal(b.total, undefined);
      for (;;) {
        seen.push(...b.entry.map((e: any) => e.resource.id));
        const next = b.link.find((l: any) => l.relation === 'next');
        if (!next) break;
        b = (await t.request('GET', next.url.slice(t.base.length))).body;
      }
      assert.deepEqual(seen, ['n6', 'n5', 'n4', 'n3', 'n1', 'n2', 'n7']);
    });

    it('_total=accurate, _summary=count, _summary=true, _elements', async () => {
      assert.equal((await search('type=OBS&_count=1&_total=accurate')).total, 3);
      const count = await search('type=OBS&_summary=count');
      assert.equal(count.total, 3);
      assert.equal(count.entry, undefined);
      const summary = (await search('_id=n4&_summary=true')).entry[0].resource;
      assert.equal(summary.extension, undefined);
      assert.equal(summary.content[0].attachment.contentType, 'text/plain');
      assert.equal(summary.status, 'current');
      assert.ok(summary.meta.tag.some((tg: any) => tg.code === 'SUBSETTED'));
      const elements = (await search('_id=n4&_elements=description')).entry[0].resource;
      assert.deepEqual(Object.keys(elements).sort(), ['content', 'description', 'id', 'meta', 'resourceType', 'status']);
    });

    it('_include of authors, _include:iterate, _revinclude', async () => {
      const b = await search('_id=n2&_include=DocumentReference:author&_include:iterate=PractitionerRole:practitioner');
      const included = b.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => `${e.resource.resourceType}/${e.resource.id}`).sort();
      assert.deepEqual(included, ['Practitioner/dr-dupont', 'PractitionerRole/role-dupont']);
      // The server wrote a Provenance when n3 was created; clients may not write Provenance themselves.
      const prov = await t.request('POST', '/Provenance', { resourceType: 'Provenance', target: [{ reference: 'DocumentReference/n3' }], recorded: '2024-01-01T09:00:00Z', agent: [{ who: { reference: 'Practitioner/dr-martin' } }] });
      assert.equal(prov.status, 403);
      const rev = await search('_id=n3&_revinclude=Provenance:target');
      assert.deepEqual(rev.entry.map((e: any) => `${e.search.mode}:${e.resource.resourceType}`), ['match:DocumentReference', 'include:Provenance']);
    });

    it('_id', async () => {
      assert.deepEqual(await ids('_id=n1,n3'), ['n1', 'n3']);
    });
  });

  describe('parameters the server does not know', () => {
    it('unknown parameter → 400 naming it; Prefer: handling=lenient ignores it and says so', async () => {
      const r = await t.request('GET', '/DocumentReference?patinet=Patient/p1');
      assert.equal(r.status, 400);
      assert.match(r.body.issue[0].diagnostics, /patinet/);
      const lenient = await search('patinet=Patient/p1&type=GEN', { prefer: 'handling=lenient' });
      const outcome = lenient.entry.find((e: any) => e.search.mode === 'outcome');
      assert.match(outcome.resource.issue[0].diagnostics, /patinet/);
      assert.deepEqual(lenient.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id), ['n4']);
    });

    it('bad values → 400', async () => {
      assert.equal((await t.request('GET', '/DocumentReference?date=yesterday')).status, 400);
      assert.equal((await t.request('GET', '/DocumentReference?_count=-1')).status, 400);
      assert.equal((await t.request('GET', '/DocumentReference?type:exact=OBS')).status, 400);
    });
  });

  describe('actor searches of the IG CapabilityStatement', () => {
    const actorIds = async (q: string) => ((await t.request('GET', q)).body.entry ?? []).map((e: any) => e.resource.id).sort();
    it('Patient, Practitioner, RelatedPerson, Device, PractitionerRole', async () => {
      assert.deepEqual(await actorIds('/Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|2990000000002'), ['p2']);
      assert.deepEqual(await actorIds('/Patient?family=lefevre'), ['p1']);
      assert.deepEqual(await actorIds('/Practitioner?family=dupont&given=marie'), ['dr-dupont']);
      assert.deepEqual(await actorIds('/Practitioner?identifier=80999999999'), ['dr-martin']);
      assert.deepEqual(await actorIds('/RelatedPerson?name=claire'), ['rp-claire']);
      assert.deepEqual(await actorIds('/PractitionerRole?practitioner=Practitioner/dr-dupont'), ['role-dupont']);
      assert.deepEqual(await actorIds('/Device?_id=scale-1'), ['scale-1']);
    });

    it('POST [type]/_search with a form body', async () => {
      const r = await t.request('POST', '/Patient/_search', 'family=dupont', { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.entry.map((e: any) => e.resource.id), ['p2']);
    });
  });
});

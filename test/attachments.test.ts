/** End-to-end: attachment size/hash, large attachments stored once as Binary, raw Binary content. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { note, patient, practitioner } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('base64');

describe('attachments and Binary', () => {
  let t: TestServer;
  let subject: string;
  let author: string;
  before(async () => {
    t = await startTestServer({ CDL_ATTACHMENT_INLINE_MAX: '1024' });
    subject = (await t.request('POST', '/Patient', patient())).body.id;
    author = `Practitioner/${(await t.request('POST', '/Practitioner', practitioner())).body.id}`;
  });
  after(() => t.close());

  const withAttachment = (data: Buffer, extra: Record<string, unknown> = {}) => {
    const n = note(subject, [author]) as any;
    n.content = [{ attachment: { contentType: 'image/png', title: 'photo', data: data.toString('base64'), ...extra } }];
    return n;
  };

  it('computes size and SHA-1 hash of inline attachments', async () => {
    const data = Buffer.from('petite note');
    const r = await t.request('POST', '/DocumentReference', withAttachment(data));
    assert.equal(r.status, 201);
    assert.equal(r.body.content[0].attachment.size, data.length);
    assert.equal(r.body.content[0].attachment.hash, sha1(data));
    assert.equal(r.body.content[0].attachment.data, data.toString('base64'));
  });

  it('accepts a correct client hash and size; rejects mismatches with the element path (nothing stored)', async () => {
    const data = Buffer.from('contenu vérifié');
    const ok = await t.request('POST', '/DocumentReference', withAttachment(data, { size: data.length, hash: sha1(data) }));
    assert.equal(ok.status, 201);
    const badHash = await t.request('POST', '/DocumentReference', withAttachment(data, { hash: sha1(Buffer.from('autre chose')) }));
    assert.equal(badHash.status, 422);
    assert.deepEqual(badHash.body.issue[0].expression, ['DocumentReference.content[0].attachment.hash']);
    const badSize = await t.request('POST', '/DocumentReference', withAttachment(data, { size: 3 }));
    assert.equal(badSize.status, 422);
    assert.deepEqual(badSize.body.issue[0].expression, ['DocumentReference.content[0].attachment.size']);
  });

  it('moves bytes above the inline limit to a Binary, served raw or as FHIR JSON', async () => {
    const data = Buffer.alloc(5000, 7);
    const r = await t.request('POST', '/DocumentReference', withAttachment(data));
    assert.equal(r.status, 201);
    const att = r.body.content[0].attachment;
    assert.equal(att.data, undefined);
    assert.equal(att.size, 5000);
    assert.equal(att.hash, sha1(data));
    assert.match(att.url, new RegExp(`^${t.base}/Binary/[0-9a-f-]{36}$`));
    const raw = await t.fetch(att.url);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), data);
    const json = await t.request('GET', att.url.slice(t.base.length), undefined, { accept: 'application/fhir+json' });
    assert.equal(json.body.resourceType, 'Binary');
    assert.equal(json.body.contentType, 'image/png');
    assert.equal(json.body.data, data.toString('base64'));
    assert.equal(json.body.securityContext.reference, `DocumentReference/${r.body.id}`);
  });

  it('stores a Binary posted as raw bytes and returns the same bytes', async () => {
    const data = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x00, 0xff]);
    const res = await t.fetch(`${t.base}/Binary`, { method: 'POST', body: data, headers: { 'content-type': 'application/pdf' } });
    assert.equal(res.status, 201);
    const created = (await res.json()) as any;
    assert.equal(created.contentType, 'application/pdf');
    const back = await t.fetch(`${t.base}/Binary/${created.id}`);
    assert.equal(back.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), data);
  });
});

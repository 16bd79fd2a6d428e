/**
 * The Binary store is a port: a server composed with another store (here an in-memory object
 * store shaped like an S3 bucket, which ignores the storage transaction) keeps every Binary
 * byte there and none in the database, through the unchanged engine: raw Binary posts, large
 * attachments moved out of a note, new versions, vread, FHIR JSON reads. Runs on SQLite, and on
 * PostgreSQL when CDL_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { binaryObjectName, type BinaryKey, type BinaryStore } from '../src/engine/binary-store.js';
import { note, patient, practitioner } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Objects by key, as an object store would hold them; `tx`/`reader` are ignored. */
class MemoryObjectStore implements BinaryStore {
  readonly objects = new Map<string, Buffer>();
  gets = 0;

  async put(key: BinaryKey, bytes: Buffer): Promise<void> {
    this.objects.set(binaryObjectName(key), Buffer.from(bytes));
  }

  async get(key: BinaryKey): Promise<Buffer | undefined> {
    this.gets++;
    return this.objects.get(binaryObjectName(key));
  }

  async delete(key: BinaryKey): Promise<void> {
    this.objects.delete(binaryObjectName(key));
  }
}

describe('Binary store port: an object store plugged in at composition', () => {
  const store = new MemoryObjectStore();
  let t: TestServer;
  let subject: string;
  let author: string;
  before(async () => {
    t = await startTestServer({ CDL_ATTACHMENT_INLINE_MAX: '1024' }, { binaries: store });
    subject = (await t.request('POST', '/Patient', patient())).body.id;
    author = `Practitioner/${(await t.request('POST', '/Practitioner', practitioner())).body.id}`;
  });
  after(() => t.close());

  const blobRows = async () => Number((await t.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM blobs'))[0]!.n);

  it('a raw Binary: bytes in the object store under Binary/<id>/_history/1, none in the database, served back', async () => {
    const data = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    const res = await t.fetch(`${t.base}/Binary`, { method: 'POST', body: data, headers: { 'content-type': 'application/pdf' } });
    assert.equal(res.status, 201);
    const id = ((await res.json()) as { id: string }).id;
    assert.deepEqual(store.objects.get(`Binary/${id}/_history/1`), data);
    assert.equal(await blobRows(), 0);
    const before = store.gets;
    const back = await t.fetch(`${t.base}/Binary/${id}`);
    assert.equal(back.status, 200);
    assert.equal(back.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), data);
    assert.equal(store.gets, before + 1, 'the bytes came from the object store');
  });

  it('a large attachment moved out of a note goes to the object store; its URL serves the bytes', async () => {
    const data = Buffer.alloc(5000, 9);
    const n = note(subject, [author]) as any;
    n.content = [{ attachment: { contentType: 'image/png', data: data.toString('base64') } }];
    const r = await t.request('POST', '/DocumentReference', n);
    assert.equal(r.status, 201, r.text);
    const url = r.body.content[0].attachment.url as string;
    const id = /\/Binary\/([^/]+)$/.exec(url)![1]!;
    assert.deepEqual(store.objects.get(`Binary/${id}/_history/1`), data);
    assert.deepEqual(Buffer.from(await (await t.fetch(url)).arrayBuffer()), data);
    const json = await t.request('GET', `/Binary/${id}`, undefined, { accept: 'application/fhir+json' });
    assert.equal(json.body.data, data.toString('base64'));
    assert.equal(await blobRows(), 0);
  });

  it('a new version gets its own object; vread of the old version serves the old bytes', async () => {
    const v1 = Buffer.from('version un');
    const v2 = Buffer.from('version deux');
    const created = await t.fetch(`${t.base}/Binary`, { method: 'POST', body: v1, headers: { 'content-type': 'text/plain' } });
    const id = ((await created.json()) as { id: string }).id;
    const updated = await t.request('PUT', `/Binary/${id}`, { resourceType: 'Binary', id, contentType: 'text/plain', data: v2.toString('base64') });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(store.objects.get(`Binary/${id}/_history/1`), v1);
    assert.deepEqual(store.objects.get(`Binary/${id}/_history/2`), v2);
    assert.deepEqual(Buffer.from(await (await t.fetch(`${t.base}/Binary/${id}`)).arrayBuffer()), v2);
    assert.deepEqual(Buffer.from(await (await t.fetch(`${t.base}/Binary/${id}/_history/1`)).arrayBuffer()), v1);
    assert.equal(await blobRows(), 0);
  });
});

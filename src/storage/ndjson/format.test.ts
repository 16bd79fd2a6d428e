/** The export line format: exact stored text round trip, Binary data, deletions, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEntry } from '../../engine/storage-port.js';
import { FormatError, parseVersionLine, versionLine } from './format.js';

const T = Date.parse('2026-03-01T10:00:00.123Z');
const stored = (type: string, id: string, version: number, extra: Record<string, unknown> = {}): HistoryEntry => ({
  type,
  id,
  version,
  lastUpdated: T,
  deleted: false,
  method: version === 1 ? 'POST' : 'PUT',
  // Key order and spacing of the stored text are kept as they are.
  json: `{"resourceType":"${type}","id":"${id}","meta":{"versionId":"${version}","lastUpdated":"2026-03-01T10:00:00.123Z"},"z":1,"a":${JSON.stringify(extra)}}`,
  seq: 99,
});

describe('export line format', () => {
  it('round-trips the stored JSON text byte for byte, with version, time, method and sequence', () => {
    const v = stored('Patient', 'p1', 2, { text: 'é\u2028"\\' });
    const line = versionLine(v, 7);
    assert.ok(!line.includes('\n'));
    const p = parseVersionLine(line, 'Patient', 'Patient.ndjson:1');
    assert.deepEqual([p.sequence, p.type, p.id, p.version, p.lastUpdated, p.method, p.json], [7, 'Patient', 'p1', 2, T, 'PUT', v.json]);
    assert.equal(p.blob, undefined);
  });

  it('a Binary carries its bytes as resource.data, removed again on import', () => {
    const v = stored('Binary', 'b1', 1);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const line = versionLine(v, 1, bytes);
    assert.equal(JSON.parse(line).resource.data, bytes.toString('base64'));
    const p = parseVersionLine(line, 'Binary', 'Binary.ndjson:1');
    assert.equal(p.json, v.json);
    assert.deepEqual(p.blob, bytes);
    assert.equal(p.resource?.data, undefined);
  });

  it('a deletion is a DELETE entry without resource', () => {
    const line = versionLine({ ...stored('Patient', 'p1', 3), deleted: true, json: null, method: 'DELETE' }, 12);
    const e = JSON.parse(line);
    assert.deepEqual([e.request, e.response.status, e.response.etag, e.resource], [{ method: 'DELETE', url: 'Patient/p1' }, '204', 'W/"3"', undefined]);
    const p = parseVersionLine(line, 'Patient', 'x');
    assert.deepEqual([p.method, p.version, p.json, p.lastUpdated], ['DELETE', 3, null, T]);
  });

  it('a line written by another tool (other member order) is read, its resource re-serialized', () => {
    const resource = { resourceType: 'Patient', id: 'p9', meta: { versionId: '1', lastUpdated: '2026-03-01T10:00:00.123Z' } };
    const line = JSON.stringify({ resource, request: { method: 'POST', url: 'Patient' }, response: { etag: 'W/"1"', lastModified: '2026-03-01T10:00:00.123Z' }, extension: [{ url: 'urn:cdl:export:sequence', valueDecimal: 1 }] });
    assert.equal(parseVersionLine(line, 'Patient', 'x').json, JSON.stringify(resource));
  });

  it('refuses lines that do not describe one version consistently', () => {
    const good = versionLine(stored('Patient', 'p1', 2), 3);
    const bad: Array<[string, string]> = [
      ['{', 'not JSON'],
      [good.replace('"valueDecimal":3', '"valueDecimal":0'), 'sequence'],
      [good.replace('"method":"PUT"', '"method":"PATCH"'), 'request.method'],
      [good.replace('W/\\"2\\"', 'W/\\"3\\"'), 'disagree'],
      [good.replace('"url":"Patient/p1"', '"url":"Patient/p2"'), 'not Patient/p2'],
    ];
    for (const [line, message] of bad) assert.throws(() => parseVersionLine(line, 'Patient', 'x'), (e: unknown) => e instanceof FormatError && e.message.includes(message), message);
    assert.throws(() => parseVersionLine(good, 'Practitioner', 'x'), FormatError);
  });
});

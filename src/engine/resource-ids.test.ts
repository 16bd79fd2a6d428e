import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidId, newId } from './resource-ids.js';

describe('newId', () => {
  it('is a version-7 UUID carrying the creation time in its first 48 bits', () => {
    const at = Date.UTC(2026, 11, 4, 8, 30, 0, 123);
    const id = newId(at);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), at);
    assert.ok(isValidId(id));
  });

  it('ids of later milliseconds sort after earlier ones; ids of one millisecond differ', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    assert.ok(a < b);
    const same = new Set(Array.from({ length: 1000 }, () => newId(1_700_000_000_000)));
    assert.equal(same.size, 1000);
  });
});

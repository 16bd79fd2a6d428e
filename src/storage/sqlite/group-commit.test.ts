/**
 * Group commit durability modes: a batch of only non-durable units (the audit log) commits with
 * synchronous=NORMAL, anything else with the configured mode, which is always restored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit } from './group-commit.js';

const NORMAL = 1;
const FULL = 2;

describe('GroupCommit durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-gc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const db = new Database(join(dir, 'gc.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (v INTEGER)');
  const group = new GroupCommit(db, 16, 'FULL');
  const mode = () => db.pragma('synchronous', { simple: true }) as number;
  const unit = (v: number) => async () => {
    db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
    return mode();
  };

  it('a batch of non-durable units commits with synchronous=NORMAL, then FULL is restored', async () => {
    assert.deepEqual(await Promise.all([group.run(unit(1), false), group.run(unit(2), false)]), [NORMAL, NORMAL]);
    assert.equal(mode(), FULL);
  });

  it('one durable unit in the batch keeps the whole batch FULL', async () => {
    assert.deepEqual(await Promise.all([group.run(unit(3), false), group.run(unit(4))]), [FULL, FULL]);
    assert.equal(mode(), FULL);
  });

  it('a failing relaxed batch restores FULL too, and every committed row is there', async () => {
    await assert.rejects(group.run(async () => {
      throw new Error('boom');
    }, false));
    assert.equal(mode(), FULL);
    assert.deepEqual(db.prepare('SELECT v FROM t ORDER BY v').pluck().all(), [1, 2, 3, 4]);
  });

  it('with synchronous=NORMAL configured, nothing is switched', async () => {
    const other = new Database(join(dir, 'gc2.sqlite'));
    other.pragma('journal_mode = WAL');
    other.pragma('synchronous = NORMAL');
    const g = new GroupCommit(other, 16, 'NORMAL');
    assert.equal(await g.run(async () => other.pragma('synchronous', { simple: true }), true), NORMAL);
    assert.equal(other.pragma('synchronous', { simple: true }), NORMAL);
    other.close();
  });
});

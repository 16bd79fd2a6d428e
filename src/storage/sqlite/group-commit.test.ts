/**
 * Group commit durability: durable units settle only after the WAL sync that follows their
 * commit; non-durable units (the audit log) do not wait for it; syncs are shared and never start
 * before the frames they must cover are written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit } from './group-commit.js';
import { WalSync, type FileSync } from './wal-sync.js';

/** A FileSync whose completions the test releases by hand. */
function manualSync() {
  const pending: Array<(e: NodeJS.ErrnoException | null) => void> = [];
  const sync: FileSync = (_fd, done) => void pending.push(done);
  return { sync, pending, finish: (e: NodeJS.ErrnoException | null = null) => pending.shift()!(e) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit with WalSync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-gc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const open = (name: string) => {
    const db = new Database(join(dir, name));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (v INTEGER)');
    return db;
  };

  it('a durable unit settles after the WAL sync that follows its commit, a non-durable one at once', async () => {
    const db = open('a.sqlite');
    const m = manualSync();
    const group = new GroupCommit(db, 16, new WalSync(join(dir, 'a.sqlite-wal'), m.sync));
    const settled: string[] = [];
    const durable = group.run(async () => db.prepare('INSERT INTO t VALUES (1)').run()).then(() => settled.push('durable'));
    const relaxed = group.run(async () => db.prepare('INSERT INTO t VALUES (2)').run(), false).then(() => settled.push('relaxed'));
    await relaxed;
    assert.deepEqual(settled, ['relaxed']);
    assert.equal(m.pending.length, 1, 'one sync for the batch');
    // Committed (visible to the connection) before the sync completes.
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 2);
    m.finish();
    await durable;
    assert.deepEqual(settled, ['relaxed', 'durable']);
    db.close();
  });

  it('a batch committed while a sync is in flight waits for the next sync; the next batch is not held back', async () => {
    const db = open('b.sqlite');
    const m = manualSync();
    const group = new GroupCommit(db, 16, new WalSync(join(dir, 'b.sqlite-wal'), m.sync));
    let first = false;
    let second = false;
    const a = group.run(async () => db.prepare('INSERT INTO t VALUES (1)').run()).then(() => (first = true));
    await tick();
    await tick();
    const b = group.run(async () => db.prepare('INSERT INTO t VALUES (2)').run()).then(() => (second = true));
    await tick();
    await tick();
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 2, 'the second batch committed while the first sync runs');
    assert.equal(m.pending.length, 1, 'the second sync starts only after the first completes');
    m.finish();
    await a;
    await tick();
    assert.equal(second, false);
    assert.equal(m.pending.length, 1);
    m.finish();
    await b;
    assert.ok(first && second);
    db.close();
  });

  it('a failed sync rejects the durable units it covered; drain waits for syncs in flight', async () => {
    const db = open('c.sqlite');
    const m = manualSync();
    const group = new GroupCommit(db, 16, new WalSync(join(dir, 'c.sqlite-wal'), m.sync));
    const unit = group.run(async () => 42);
    await tick();
    await tick();
    let drained = false;
    const draining = group.drain().then(() => (drained = true));
    await tick();
    assert.equal(drained, false);
    m.finish(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await assert.rejects(unit, /EIO/);
    await draining;
    db.close();
  });

  it('a unit that fails rolls back alone and triggers no sync by itself', async () => {
    const db = open('d.sqlite');
    const m = manualSync();
    const group = new GroupCommit(db, 16, new WalSync(join(dir, 'd.sqlite-wal'), m.sync));
    await assert.rejects(
      group.run(async () => {
        db.prepare('INSERT INTO t VALUES (9)').run();
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(m.pending.length, 0);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0);
    db.close();
  });

  it('with the real fdatasync, durable units settle and the rows are there', async () => {
    const db = open('e.sqlite');
    const sync = new WalSync(join(dir, 'e.sqlite-wal'));
    const group = new GroupCommit(db, 16, sync);
    await Promise.all(Array.from({ length: 50 }, (_, i) => group.run(async () => db.prepare('INSERT INTO t VALUES (?)').run(i))));
    await group.drain();
    await sync.close();
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 50);
    db.close();
  });
});

/**
 * Query plans of the SQL the search engine generates: every index-table access must go through an
 * index that narrows it to the rows at hand. Without statistics, SQLite once picked the
 * (pid, value) index for "rid = ? AND pid = ?" checks and sort keys, reading every row of a
 * parameter per candidate (seconds at 100,000 notes); these plans are checked here, not timed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { UNRESTRICTED, type AccessConstraint } from '../../engine/access-constraint.js';
import { defaultDefinitionsCacheDir, loadDefinitions } from '../../fhir/definitions/load.js';
import { parseSearch } from '../../fhir/search/parse-search.js';
import { migrate } from './migrations.js';
import { SqliteSearch } from './search-exec.js';

const defs = loadDefinitions(defaultDefinitionsCacheDir());
const TYPES = ['DocumentReference', 'Patient', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'Organization', 'Device', 'Provenance'];

const QUERIES = [
  '_include=*&patient.identifier=1234567890112345678901&author:Practitioner.identifier=80123456789',
  '_include=DocumentReference:subject&author:Practitioner.family=Dupont&author:Practitioner.given=Marie',
  '_include=*&date=ge2013-03-16&type=urn:oid:1.2.250.1.213.1.1.5.98|OBS',
  'patient=Patient/p1&_sort=-date&_count=20&_include=*',
  'patient=Patient/p1&_sort=-date&_revinclude=Provenance:target',
  'subject:Patient.identifier=urn:oid:1.2.250.1.213.1.4.8|123&type=OBS&security-label:not=MASQUE_PS',
  'author:PractitionerRole.practitioner.identifier=80123456789&date=ge2024-01-01&_sort=date',
  'date=ge2026-11-30',
  'date=le2020-01-01',
  'date=2024-03',
  'date=sa2026-11-30&date=eb2026-12-31',
  // No selective filter: the date index is walked in order (search-sort-driven.ts).
  'type=OBS&_sort=-date&_count=20&_include=*',
  '_sort=date',
  'status=current&_sort=-date&security-label:not=MASQUE_PS',
];

/** A plan line that reads an index table without narrowing it to one resource or one value. */
const BROAD = /(SCAN (sp_\w+|links)\b)|(INDEX sp_\w+ \(pid=\?\))/;

describe('search query plans (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdl-plan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const db = new Database(join(dir, 'plan.sqlite'));
  migrate(db);
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  (db as { prepare: typeof db.prepare }).prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  // Every parameter and every page row exist, so that every statement (sorts, includes) is prepared.
  prepare("INSERT INTO resources (rid, type, id, version, last_updated, hid) VALUES (1, 'DocumentReference', 'n1', 1, 0, 1)").run();
  prepare("INSERT INTO history (hid, rid, type, version, last_updated, method, json) VALUES (1, 1, 'DocumentReference', 1, 0, 'POST', '{}')").run();

  const plansOf = (query: string, access: AccessConstraint): string[] => {
    seen.length = 0;
    const request = parseSearch(defs, 'DocumentReference', [...new URLSearchParams(query)], {
      lenient: false,
      maxCount: 100,
      defaultCount: 20,
      exposedTypes: TYPES,
      baseUrl: 'https://cdl.example.fr/fhir',
      now: Date.parse('2026-01-01T00:00:00Z'),
    });
    // A fresh searcher: its statement cache would hide statements prepared for an earlier query.
    new SqliteSearch(db, () => 1).run({ request, countTotal: true, access });
    // Selectivity probes read at most PROBE_LIMIT rows of one parameter by design.
    return seen.filter((sql) => !/^SELECT count\(\*\) FROM \(.* LIMIT \d+\)$/s.test(sql)).map((sql) => {
      const marks = sql.match(/\?/g)?.length ?? 0;
      const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from({ length: marks }, () => null)) as Array<{ detail: string }>;
      return plan.map((p) => p.detail).join('\n');
    });
  };

  for (const query of QUERIES) {
    it(`narrow index accesses only: ${query}`, () => {
      const circle: AccessConstraint = { circle: { members: [{ type: 'PractitionerRole', id: 'r1' }], patients: [], at: 0 }, hiddenLabels: 1, authors: [{ type: 'PractitionerRole', id: 'r1' }] };
      for (const access of [UNRESTRICTED, circle]) {
        const plans = plansOf(query, access);
        assert.ok(plans.length > 0);
        for (const plan of plans) assert.doesNotMatch(plan, BROAD, plan);
      }
    });
  }

  it('a date sort without a selective filter walks the date index in order, one indexed lookup per row', () => {
    // Enough OBS rows for the selectivity probe to call the filter broad.
    const token = prepare("INSERT INTO sp_token (rid, pid, system, code) VALUES (1, 1, 'x', 'OBS')");
    for (let i = 0; i < 2000; i++) token.run();
    const plans = plansOf('type=OBS&_sort=-date&_count=20', UNRESTRICTED);
    const walk = plans.find((p) => p.includes('sp_date_start'));
    assert.ok(walk, plans.join('\n---\n'));
    assert.match(walk, /^SEARCH s USING COVERING INDEX sp_date_start \(pid=\? AND start>\?\)/);
    // The key row of each resource: its few date rows, sorted (the only full sort in the plan)…
    assert.match(walk, /SEARCH x USING INDEX sp_date_rid_pid \(rid=\? AND pid=\?\)\nUSE TEMP B-TREE FOR ORDER BY\n/);
    assert.equal(walk.match(/FOR ORDER BY/g)?.length, 1);
    assert.match(walk, /SEARCH a USING INTEGER PRIMARY KEY/);
    // …and of the page, only the ties of one date.
    assert.match(walk, /USE TEMP B-TREE FOR LAST TERM OF ORDER BY$/);
  });
});

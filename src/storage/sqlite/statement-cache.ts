/** Prepared statements cached by SQL text (bounded), for queries built at run time. */
import type BetterSqlite3 from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly max = 2000,
  ) {}

  get(sql: string): BetterSqlite3.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size >= this.max) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }
}

/** `Query` functions over a `pg` pool or client, translating transient errors. */
import type pg from 'pg';
import { translateError } from './errors.js';
import type { Query } from './sql.js';

export function queryOf(target: pg.Pool | pg.ClientBase): Query {
  return async <R>(text: string, values: unknown[] = [], name?: string): Promise<R[]> => {
    try {
      const config: pg.QueryConfig = name === undefined ? { text, values } : { name, text, values };
      const result = await target.query(config);
      return result.rows as R[];
    } catch (e) {
      return translateError(e);
    }
  };
}

import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../../src/index.js';

/** A statement execution the adapter made. */
export interface Execution {
  sql: string;
  params: unknown[];
}

/**
 * Wraps a better-sqlite3 connection so every statement execution is recorded
 * and, with `failAt(n)`, so the n-th execution from then on throws: the
 * test's window into what the adapter really runs.
 */
export function recordingDatabase(db: Database.Database) {
  const executions: Execution[] = [];
  let failAt: number | undefined;
  let count = 0;

  const wrapStatement = (source: string, statement: Database.Statement) => {
    const proxy: Database.Statement = new Proxy(statement, {
      get(inner, name) {
        const value = Reflect.get(inner, name, inner);
        if (name === 'run' || name === 'get' || name === 'all') {
          return (...params: unknown[]) => {
            count += 1;
            executions.push({ sql: source, params });
            if (failAt !== undefined && count === failAt) throw new Error(`injected failure at statement ${count}`);
            return (value as (...args: unknown[]) => unknown).apply(inner, params);
          };
        }
        // pluck() returns the statement itself: keep handing out the proxy.
        if (name === 'pluck') {
          return (...args: unknown[]) => {
            (value as (...a: unknown[]) => unknown).apply(inner, args);
            return proxy;
          };
        }
        return typeof value === 'function' ? value.bind(inner) : value;
      },
    });
    return proxy;
  };

  const database = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (source: string) => wrapStatement(source, target.prepare(source));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as SqliteDatabase;

  return {
    database,
    executions,
    /** Makes the n-th execution from now throw; `undefined` switches it off. */
    failAt(n: number | undefined) {
      count = 0;
      failAt = n;
    },
    /** How many executions since the last `failAt`. */
    get count() {
      return count;
    },
  };
}

/**
 * sql.js (SQLite compiled to WebAssembly) rather than a native SQLite binding: a native module has
 * to be rebuilt for Electron's ABI and shipped for both Mac architectures (x64 and arm64), a WASM
 * module runs unchanged in Node, the CLI and Electron. sql.js works on an in-memory copy of the
 * bytes, which is also the copy-then-read pattern forensic readers use on a live store (see
 * snapshot.ts; wal.ts folds the -wal side file in, which sql.js cannot read).
 * Packaging note: sql-wasm.wasm must ship unpacked next to sql-wasm.js (electron-builder asarUnpack).
 */
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';

export type { Database, SqlValue };

let sqlJsLoading: Promise<SqlJsStatic> | undefined;

/**
 * sql.js compiles its WebAssembly once per process, and is loaded only then: a check of a typed-in account reads
 * no store, so its start-up does not pay for sql.js (docs/benchmarks.md, "Cold start").
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJsLoading ??= import('sql.js').then(({ default: initSqlJs }) => initSqlJs());
  return sqlJsLoading;
}

/** Column names of `table`, lower-cased (SQLite names are case-insensitive); empty when the table does not exist. */
export function tableColumns(database: Database, table: string): ReadonlySet<string> {
  const columns = new Set<string>();
  const statement = database.prepare(`SELECT name FROM pragma_table_info(?)`);
  try {
    statement.bind([table]);
    while (statement.step()) {
      const name = statement.get()[0];
      if (typeof name === 'string') columns.add(name.toLowerCase());
    }
  } finally {
    statement.free();
  }
  return columns;
}

/** Runs a query and returns its rows as arrays (bounded by the caller's GROUP BY / WHERE). */
export function queryRows(database: Database, sql: string, params: readonly SqlValue[] = []): SqlValue[][] {
  const rows: SqlValue[][] = [];
  const statement = database.prepare(sql);
  try {
    statement.bind([...params]);
    while (statement.step()) rows.push(statement.get());
  } finally {
    statement.free();
  }
  return rows;
}

/** A name as a quoted SQL identifier, for column names that cannot be bound as parameters. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

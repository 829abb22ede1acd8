import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';

/**
 * sql.js (SQLite compiled to WebAssembly) rather than a native SQLite binding: a native module has
 * to be rebuilt for Electron's ABI and shipped for both Mac architectures (x64 and arm64), a WASM
 * module runs unchanged in Node, the CLI and Electron. sql.js works on an in-memory copy of the
 * bytes, which is also the copy-then-read pattern forensic readers use on a live accountsd store.
 * Packaging note: sql-wasm.wasm must ship unpacked next to sql-wasm.js (electron-builder asarUnpack).
 */
let sqlJs: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

export type { Database, SqlValue };

export interface QueryRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly SqlValue[])[];
}

export function query(db: Database, sql: string): QueryRows {
  const results = db.exec(sql);
  const first = results[0];
  if (first === undefined) return { columns: [], rows: [] };
  return { columns: first.columns, rows: first.values };
}

/** Column names of a table (empty when the table does not exist). */
export function tableColumns(db: Database, table: string): ReadonlySet<string> {
  const info = query(db, `PRAGMA table_info(${quoteIdentifier(table)})`);
  const nameIndex = info.columns.indexOf('name');
  return new Set(info.rows.map((row) => String(row[nameIndex] ?? '')));
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Formatting for the benchmark's result table (Markdown, so it can be pasted into docs/benchmarks.md). */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A duration that may have been stopped at the cap: then only a lower bound is known. */
export function bound(ms: number, capped: boolean): string {
  return capped ? `≥ ${seconds(ms)} (cap)` : seconds(ms);
}

/** naive / Mail Doctor; a lower bound when the naive side was capped. */
export function ratio(naive: number, mailDoctor: number, naiveCapped: boolean): string {
  if (mailDoctor <= 0) return 'n/a';
  const value = naive / mailDoctor;
  const text = value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2);
  return `${naiveCapped ? '≥ ' : ''}${text}×`;
}

export interface TableRow {
  readonly scenario: string;
  readonly mailDoctor: string;
  readonly naive: string;
  readonly ratio: string;
}

export function renderTable(rows: readonly TableRow[]): string {
  const header: TableRow = { scenario: 'scenario', mailDoctor: 'Mail Doctor', naive: 'naive defaults', ratio: 'ratio (naive / Mail Doctor)' };
  const all = [header, ...rows];
  const width = (key: keyof TableRow): number => Math.max(...all.map((row) => [...row[key]].length));
  const pad = (text: string, key: keyof TableRow): string => text + ' '.repeat(width(key) - [...text].length);
  const line = (row: TableRow): string =>
    `| ${pad(row.scenario, 'scenario')} | ${pad(row.mailDoctor, 'mailDoctor')} | ${pad(row.naive, 'naive')} | ${pad(row.ratio, 'ratio')} |`;
  const rule = `|${'-'.repeat(width('scenario') + 2)}|${'-'.repeat(width('mailDoctor') + 2)}|${'-'.repeat(width('naive') + 2)}|${'-'.repeat(width('ratio') + 2)}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * Markdown building blocks that stay valid whatever a server sends: server greetings and replies are
 * untrusted text (pipes break tables, backticks break code spans, `<` starts HTML, a newline ends a
 * table row). Every value goes through `inline` or `codeBlock`; nothing is pasted raw.
 */

/** C0/C1 control characters other than tab and newline: a terminal escape has no place in a ticket. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/**
 * Punctuation that means something anywhere in a CommonMark/GFM line (emphasis, code, links, HTML,
 * entities, table cells, strike-through). `(`, `!` and `+` need no escape once `[` is escaped, except at
 * the start of a value, handled by LEADING_BLOCK_MARKER.
 */
const INLINE_SPECIAL = /[\\`*_{}[\]<>#|~&]/g;
/** A value placed after "- " or in a heading must not open a nested list, a quote or a setext line. */
const LEADING_BLOCK_MARKER = /^([-+=>]|\d+[.)])/;

function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '\uFFFD');
}

/** A value inside a sentence, list item or table cell: one line, every special character escaped. */
export function inline(text: string): string {
  return withoutControlCharacters(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\t/g, ' ')
    .trim()
    .replace(INLINE_SPECIAL, '\\$&')
    .replace(LEADING_BLOCK_MARKER, (marker) => `${marker.slice(0, -1)}\\${marker.slice(-1)}`);
}

/**
 * Verbatim text (a server reply) in a fenced block. The fence is longer than any run of backticks in the
 * text, so the text can never close it.
 */
export function codeBlock(text: string): string {
  const body = withoutControlCharacters(text).replace(/\r\n|\r/g, '\n').replace(/\n+$/, '');
  const longestRun = Math.max(0, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/** A GFM table; cells are escaped here, so callers pass plain text. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((cell) => inline(cell) || ' ').join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A two-column label/value table, the most common shape in the report. */
export function facts(rows: readonly (readonly [string, string])[]): string {
  return table(['', ''], rows);
}

export function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${inline(text)}`;
}

export function bullet(text: string): string {
  return `- ${inline(text)}`;
}

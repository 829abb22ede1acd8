import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { bullet, codeBlock, inline, table } from '../../../electron/report/markdown';

const markdownIt = new MarkdownIt({ html: false, linkify: false });

function decodeEntities(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** What a reader should see for a value placed inline: one line, controls replaced, trimmed. */
function expectedInlineText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '\uFFFD')
    .replace(/\r\n|\r|\n|\t/g, ' ')
    .trim();
}

/** Server-ish text: printable ASCII with every Markdown metacharacter likely, plus newlines and controls. */
const serverText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('|', '`', '\n```', '````', '*', '_', '<', '>', '#', '[', ']', '(', ')', '!', '\\', '&', '-', '+', '=', '~', '.', '1', '\n', '\r', '\t', '\u001b', ' ', '@'),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 60,
});

describe('inline', () => {
  it('a table cell shows any server text exactly, in exactly one cell, with no markup', () => {
    fc.assert(
      fc.property(serverText, (text) => {
        const html = markdownIt.render(table(['Field', 'Value'], [['Greeting', text]]));
        const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((match) => match[1] ?? '');
        expect(cells).toHaveLength(2);
        expect(cells[1]).not.toMatch(/<(?!\/?td)[a-z]/);
        expect(decodeEntities(cells[1] ?? '')).toBe(expectedInlineText(text));
      }),
      { numRuns: 1_000 },
    );
  });

  it('a bullet never opens a nested list, heading or quote', () => {
    fc.assert(
      fc.property(serverText, (text) => {
        fc.pre(expectedInlineText(text).length > 0);
        const html = markdownIt.render(bullet(text));
        expect(html.startsWith('<ul>\n<li>')).toBe(true);
        expect((html.match(/<li>/g) ?? []).length).toBe(1);
        expect(html).not.toMatch(/<(h\d|blockquote|ol|code|em|strong|a|img|hr)[ >]/);
        expect(decodeEntities(html.replace(/^<ul>\n<li>|<\/li>\n<\/ul>\n$/g, ''))).toBe(expectedInlineText(text));
      }),
      { numRuns: 1_000 },
    );
  });

  it('escapes pipes and backticks visibly in the Markdown source', () => {
    expect(inline('220 a | `b` <c>')).toBe('220 a \\| \\`b\\` \\<c\\>');
    expect(inline('- not a list')).toBe('\\- not a list');
    expect(inline('1. not a list')).toBe('1\\. not a list');
  });
});

describe('codeBlock', () => {
  it('keeps any text verbatim in one code block, whatever backtick runs it contains', () => {
    fc.assert(
      fc.property(serverText, (text) => {
        const html = markdownIt.render(codeBlock(text));
        const blocks = [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)];
        expect(blocks).toHaveLength(1);
        expect(html.replace(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>\n/, '')).toBe('');
        const expected = text
          .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '\uFFFD')
          .replace(/\r\n|\r/g, '\n')
          .replace(/\n+$/, '');
        expect(decodeEntities(blocks[0]?.[1] ?? '')).toBe(`${expected}\n`);
      }),
      { numRuns: 1_000 },
    );
  });
});

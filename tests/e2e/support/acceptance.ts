/**
 * Issue 16's acceptance criteria as measurements of the page Chromium renders (never of the source):
 * what is visible without scrolling, the visible text (closed disclosures, hidden rows and screen-reader-only
 * text left out), prose words above the fold, jargon outside closed disclosures, one next step and one
 * default button, and the contrast of every status symbol against what it is painted on.
 */
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** Outside closed disclosures, none of this may show (issue 16, criterion 5). */
export const JARGON = /IMAP|SMTP|STARTTLS|TLSv|CN=|exit \d+|\[AUTH|\b[2-5]\d\d\b/;

export interface VisibleText {
  /** The whole window's visible text (toolbar, sidebar, detail pane). */
  readonly text: string;
  /** The detail pane's visible text. */
  readonly detail: string;
  /**
   * Words of prose in the detail pane whose line is above the fold: running text in paragraphs and headings.
   * Labels in lists, tables and controls (step rows, chips, cells, buttons, the checklist's count) are not prose.
   */
  readonly proseWordsAboveFold: number;
  /** Every finding title the page carries (data-finding-title), shown or not. */
  readonly findingTitles: readonly string[];
}

/** Reads the visible text the way a person sees it: rendered, not clipped to 1 px for screen readers only. */
export function readVisibleText(page: Page): Promise<VisibleText> {
  return page.evaluate(() => {
    const srOnly = [...document.querySelectorAll<HTMLElement>('.visually-hidden')];
    const previous = srOnly.map((element) => element.style.display);
    for (const element of srOnly) element.style.display = 'none';
    try {
      const detail = document.querySelector<HTMLElement>('main');
      if (detail === null) throw new Error('the window has no main element');
      const fold = window.innerHeight;
      let words = 0;
      for (const prose of detail.querySelectorAll<HTMLElement>('p, h3')) {
        if (prose.closest('button, table, li, [role="menu"]') !== null) continue;
        const walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
          const parent = node.parentElement;
          // checkVisibility also leaves out a closed <details>' content (Chromium lays it out, hidden).
          if (parent === null || !parent.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const rect = range.getBoundingClientRect();
          if (rect.height === 0 || rect.top >= fold) continue;
          words += (node.textContent ?? '').split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
        }
      }
      return {
        text: document.body.innerText,
        detail: detail.innerText,
        proseWordsAboveFold: words,
        findingTitles: [...document.querySelectorAll<HTMLElement>('[data-finding-title]')].map((element) => element.dataset.findingTitle ?? ''),
      };
    } finally {
      srOnly.forEach((element, index) => (element.style.display = previous[index] ?? ''));
    }
  });
}

/** Sentences of six or more words that appear more than once in the text. */
export function repeatedSentences(text: string): string[] {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    for (const sentence of line.split(/(?<=[.!?…])\s+/u)) {
      const normal = sentence.toLowerCase().replace(/\s+/g, ' ').replace(/[.!?…]+$/u, '').trim();
      if (normal.split(' ').filter((word) => /[\p{L}\p{N}]/u.test(word)).length < 6) continue;
      counts.set(normal, (counts.get(normal) ?? 0) + 1);
    }
  }
  return [...counts].filter(([, count]) => count > 1).map(([sentence]) => sentence);
}

function occurrences(text: string, part: string): number {
  if (part === '') return 0;
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) count += 1;
  return count;
}

/** Whether the element is entirely inside the first screen of the window (no scrolling). */
export async function expectAboveTheFold(page: Page, locator: Locator, what: string): Promise<void> {
  const viewport = page.viewportSize();
  if (viewport === null) throw new Error('no viewport');
  await expect(locator, what).toBeVisible();
  const box = await locator.boundingBox();
  expect(box, what).not.toBeNull();
  if (box === null) return;
  expect(box.y, `${what}: top`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what}: bottom at ${String(Math.round(box.y + box.height))} px of ${String(viewport.height)}`).toBeLessThanOrEqual(viewport.height);
  expect(box.x + box.width, `${what}: right edge`).toBeLessThanOrEqual(viewport.width);
}

interface SymbolContrast {
  readonly symbol: string;
  readonly shape: number;
  readonly glyph: number | null;
}

/** The contrast of every visible status symbol: its shape against the background, its glyph against the shape. */
export function measureSymbolContrast(page: Page): Promise<SymbolContrast[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba => {
      const match = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value.trim());
      if (match === null) throw new Error(`unexpected colour ${value}`);
      return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? 1 : Number(match[4])];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const alpha = top[3];
      return [0, 1, 2].map((index) => (top[index] ?? 0) * alpha + (bottom[index] ?? 0) * (1 - alpha)).concat(1) as Rgba;
    };
    const background = (element: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let current = element; current !== null; current = current.parentElement) {
        const colour = parse(getComputedStyle(current).backgroundColor);
        if (colour[3] > 0) layers.push(colour);
        if (colour[3] >= 1) break;
      }
      return layers.reduceRight<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    const luminance = ([r, g, b]: Rgba): number => {
      const channel = (value: number): number => {
        const v = value / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const contrast = (a: Rgba, b: Rgba): number => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (light + 0.05) / (dark + 0.05);
    };
    return [...document.querySelectorAll<SVGElement>('svg[data-status-symbol]')]
      .filter((svg) => svg.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }))
      .map((svg) => {
        const behind = background(svg.parentElement);
        const shape = svg.querySelector('.symbol-shape');
        const outline = svg.querySelector('.symbol-ring, .symbol-arc');
        const glyph = svg.querySelector('.symbol-glyph');
        const painted = shape !== null ? parse(getComputedStyle(shape).fill) : parse(getComputedStyle(outline ?? svg).stroke);
        return {
          symbol: svg.dataset.statusSymbol ?? '?',
          shape: contrast(over(painted, behind), behind),
          glyph: shape !== null && glyph !== null ? contrast(parse(getComputedStyle(glyph).stroke), painted) : null,
        };
      });
  });
}

/** Criteria 2, 3 and 5 (and the symbol contrast) on the screen as it is now. */
export async function expectReadableOnce(page: Page, scheme: string): Promise<VisibleText> {
  const visible = await readVisibleText(page);
  expect(repeatedSentences(visible.text), `${scheme}: sentences said twice`).toEqual([]);
  for (const title of new Set(visible.findingTitles)) {
    expect(occurrences(visible.text, title), `${scheme}: "${title}" shown more than once`).toBeLessThanOrEqual(1);
  }
  expect(visible.text.match(JARGON)?.[0] ?? null, `${scheme}: jargon outside closed disclosures`).toBeNull();
  const main = page.getByRole('main');
  await expect(main.getByRole('region', { name: 'Next step', exact: true }), `${scheme}: next steps`).toHaveCount(1);
  await expect(main.locator('[data-default-button]:visible'), `${scheme}: default buttons`).toHaveCount(1);
  for (const measured of await measureSymbolContrast(page)) {
    expect(measured.shape, `${scheme}: ${measured.symbol} symbol against its background`).toBeGreaterThanOrEqual(3);
    if (measured.glyph !== null) expect(measured.glyph, `${scheme}: ${measured.symbol} glyph against its shape`).toBeGreaterThanOrEqual(3);
  }
  return visible;
}

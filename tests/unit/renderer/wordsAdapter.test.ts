/**
 * renderer/words.ts is the one door from the window to the failure catalog: no other renderer file may
 * import shared/verdict/, so a change of the catalog's shape changes one file of the window.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findingWords, sentencesOf } from '../../../renderer/words';

const rendererDir = fileURLToPath(new URL('../../../renderer/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the words adapter', () => {
  it('is the only renderer module that imports shared/verdict', () => {
    const importers = sourceFiles(rendererDir)
      .filter((file) => /from '(\.\.\/)+shared\/verdict\//.test(readFileSync(file, 'utf8')))
      .map((file) => relative(rendererDir, file));
    expect(importers).toEqual(['words.ts']);
  });

  it('splits prose into sentences without breaking host names or quotes', () => {
    expect(sentencesOf('mail.example.com refused it. It said: "535 Incorrect". Then stop.')).toEqual([
      'mail.example.com refused it.',
      'It said: "535 Incorrect".',
      'Then stop.',
    ]);
    expect(sentencesOf('')).toEqual([]);
  });

  it('gives every finding a title, one why, one next step, who does it, and the button', () => {
    const words = findingWords({ code: 'FULL_DISK_ACCESS_NEEDED', params: { path: '/Users/alice/Library/Mail' } });
    expect(words.title.length).toBeGreaterThan(0);
    expect(sentencesOf(words.why)).toHaveLength(1);
    expect(sentencesOf(words.nextStep)).toHaveLength(1);
    expect(words).toMatchObject({ fixedBy: 'you', action: 'grant-full-disk-access' });
  });
});

/**
 * When an exit guard (electron/exitGuard.ts) had to replace a secret, the output says so with the
 * catalog's SECRET_SCRUBBED words: a finding in the run and in the report's JSON, a closing note in a text
 * or Markdown document. The words are the catalog's (shared/verdict/catalog.ts); this file only decides
 * where they go.
 */
import type { FindingOf } from '../../shared/diagnosis/types';
import { describeFinding } from '../../shared/verdict/catalog';
import type { SecretExit } from '../../shared/verdict/params';
import type { ExitGuard, ExitName } from '../exitGuard';
import type { ReportFinding, SupportReportJson } from './reportModel';

/** The exit, in the catalog's vocabulary (SECRET_SCRUBBED's `caughtIn`). */
export function secretExitOf(exit: ExitName): SecretExit {
  switch (exit) {
    case 'cli-output':
    case 'cli-progress':
      return 'cli-output';
    case 'diagnosis-result':
    case 'report':
    case 'report-file':
      return 'report';
    case 'clipboard':
      return 'clipboard';
    case 'ipc-reply':
      return 'ipc';
    case 'progress-event':
      return 'progress';
    case 'log':
      return 'log';
  }
}

export function secretScrubbedFinding(exit: ExitName): FindingOf<'SECRET_SCRUBBED'> {
  return { code: 'SECRET_SCRUBBED', side: 'account', params: { caughtIn: secretExitOf(exit) }, severity: 'note' };
}

/** The note closing a text or Markdown document whose text had a secret replaced. */
export function secretScrubbedParagraph(exit: ExitName): string {
  const words = describeFinding(secretScrubbedFinding(exit));
  return `${words.title}. ${words.why} ${words.nextStep}`;
}

/** A text or Markdown document through the guard, with the note appended when anything was replaced. */
export function guardDocument(guard: ExitGuard, exit: ExitName, text: string): string {
  const guarded = guard.text(exit, text);
  if (!guarded.scrubbed) return text;
  return `${guarded.value.replace(/\n*$/, '')}\n\n${secretScrubbedParagraph(exit)}\n`;
}

/** The report's JSON through the guard; when anything was replaced, every account lists the finding. */
export function guardReportJson(guard: ExitGuard, exit: ExitName, json: SupportReportJson): SupportReportJson {
  const guarded = guard.value(exit, json);
  if (!guarded.scrubbed) return json;
  const finding = secretScrubbedFinding(exit);
  const projected: ReportFinding = {
    code: finding.code,
    title: describeFinding(finding).title,
    side: finding.side,
    params: finding.params,
    severity: 'note',
  };
  return { ...guarded.value, accounts: guarded.value.accounts.map((account) => ({ ...account, findings: [...account.findings, projected] })) };
}

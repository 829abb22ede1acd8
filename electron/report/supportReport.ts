/**
 * The support report: everything a helpdesk asks for ("let us know the results of what you have done"),
 * as Markdown to paste into a ticket and as JSON to attach.
 *
 * Built only from a DiagnosisRun, whose types carry no secrets, through a field-by-field projection
 * (reportModel.ts). Addresses and login names are kept unless the user asks to mask them. Wherever the
 * report leaves the process, the exit guard (electron/exitGuard.ts) checks it against the held secrets.
 */
import type { DiagnosisRun } from '../../shared/diagnosis/types';
import { STEP_TITLES, describeFinding } from '../../shared/verdict/catalog';
import { createIdentityMasker } from './redact';
import { renderMarkdown } from './renderMarkdown';
import type { ReportEnvironment, ReportWording, SupportReportJson } from './reportModel';
import { identitiesOf, mapFreeText, projectRun } from './reportModel';

export type { ReportEnvironment, ReportWording, SupportReportJson } from './reportModel';

export interface SupportReportOptions {
  /** Mask e-mail addresses and login names (a***@example.com), also inside server replies. */
  readonly maskIdentities: boolean;
  /** Step and finding titles; the failure catalog's words unless a caller (a test) supplies others. */
  readonly wording?: ReportWording;
}

export interface SupportReport {
  readonly markdown: string;
  readonly json: SupportReportJson;
}

/** Nothing in the report invents user-facing words: titles come from shared/verdict/catalog.ts. */
const CATALOG_WORDING: ReportWording = {
  stepTitle: (id) => STEP_TITLES[id],
  findingTitle: (finding) => describeFinding(finding).title,
};

export function buildSupportReport(run: DiagnosisRun, env: ReportEnvironment, options: SupportReportOptions): SupportReport {
  const projected = projectRun(run, env, options.wording ?? CATALOG_WORDING, options.maskIdentities);
  const json = options.maskIdentities ? mapFreeText(projected, createIdentityMasker(identitiesOf(run))) : projected;
  // Rendered when first read: `mail-doctor --json` never reads it, and its rendering sits between the last
  // server's answer and the output.
  let markdown: string | undefined;
  return {
    get markdown() {
      return (markdown ??= renderMarkdown(json));
    },
    json,
  };
}

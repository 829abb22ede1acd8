/**
 * Composition root of the main-process services that do not need Electron: accounts, diagnosis,
 * report. Both the app (electron/main.ts) and the web preview (electron/preview/server.ts) use it;
 * main.ts adds the Electron-only parts (clipboard, links, save dialog, support contact, app info).
 *
 * The feature modules are loaded on first use (dynamic import): the window appears before imapflow,
 * nodemailer and sql.js are loaded, and a slow or broken module shows up as a Result for that one
 * request, not as an app that does not start.
 *
 * Agreed entry points of the feature modules (other helpers own them):
 * - electron/accounts/discoverAccounts.ts  discoverAccounts({ home, homeSource }), toAccountDiscovery(details)
 * - electron/diagnosis/diagnoseAccounts.ts diagnoseAccounts({ home, homeSource, stateDir, request, runId,
 *     signal, onProgress }): Promise<DiagnosisRun>   (request = DiagnosisStartRequest; a typed
 *     password is wrapped in a Secret there and used once)
 *     (discovery -> saved passwords -> probes -> runDiagnosis, the same pipeline the CLI runs)
 * - electron/report/supportReport.ts       buildSupportReport(run, environment, { maskIdentities })
 */
import { randomUUID } from 'node:crypto';
import type { ManagedPreferences } from '../shared/model/managedPreferences';
import type { AppInfo } from '../shared/ipc/contract';
import { err, ok } from '../shared/result';
import type { ExitGuard } from './exitGuard';
import { processExitGuard } from './exitGuard';
import { createDiagnosisSessions } from './ipc/diagnosisSessions';
import type { AccountsService, ReportService } from './ipc/mainServices';
import type { DiagnosisSessions } from './ipc/diagnosisSessions';
import type { ManagedLinkTargets } from './links';
import { resolveLinkTarget, resolveSupportContact } from './links';
import { guardDocument, guardReportJson } from './report/secretNotes';
import type { SupportReportJson } from './report/supportReport';
import type { DiagnosisTuning } from './diagnosis/diagnoseAccounts';
import type { AdminService, TokenStore } from './admin/adminService';
import { createAdminService, keychainTokenStore } from './admin/adminService';
import { readManagedPreferences } from './accounts/managedPreferences';
import { realProbeSet } from './diagnosis/realProbeSet';
import { readCaFiles } from './caFiles';
import { adminToolsPolicy } from './fleet/managedPolicy';

export interface CoreServiceOptions {
  /** The home folder whose Library is read (tests and the preview pass a fixture home). */
  readonly homeDir: string;
  /** 'given' when the home came from --home; 'default' for the user's own (see discoverAccounts). */
  readonly homeSource: 'given' | 'default';
  /**
   * Managed-preferences folders, highest priority first (default: the real /Library/Managed
   * Preferences). The preview's browser tests point it at a fixture's folders.
   */
  readonly managedPreferencesDirs?: readonly string[];
  /** macOS version for the report ("15.3.1"); Electron knows it, plain Node does not. */
  readonly macosVersion?: string;
  /** Where the app keeps its own state (the login budget ledger). */
  readonly stateDir: string;
  readonly appInfo: AppInfo;
  readonly log: (message: string) => void;
  /**
   * DNS servers, extra CAs, captive-portal URL... for the checks (the preview's flags, mirroring the
   * CLI's). Lets the browser tests run the real pipeline against the loopback test servers.
   */
  readonly diagnosisTuning?: DiagnosisTuning;
  /** The check on the report's text before it leaves (default: the process's exit guard). */
  readonly guard?: ExitGuard;
  /**
   * Where the hosting tools keep API tokens (default the OS keychain; the preview keeps them in memory) and,
   * for the preview against the loopback rig, where the test mailbox connects instead of the published hosts.
   */
  readonly hostingTokens?: TokenStore;
  readonly hostingMailHost?: string;
}

export interface CoreServices {
  readonly accounts: AccountsService;
  readonly diagnosis: DiagnosisSessions;
  readonly report: ReportService;
  /** The hosting-account tools (electron/admin/adminService.ts). */
  readonly admin: AdminService;
  /** Webmail and support targets from the managed preferences of the last account discovery. */
  readonly managedLinkTargets: () => ManagedLinkTargets;
}

export function createCoreServices(options: CoreServiceOptions): CoreServices {
  let managed: ManagedPreferences | null = null;

  const accounts: AccountsService = {
    async list() {
      const { discoverAccounts, toAccountDiscovery } = await import('./accounts/discoverAccounts');
      const details = await discoverAccounts({
        home: options.homeDir,
        homeSource: options.homeSource,
        ...(options.managedPreferencesDirs === undefined ? {} : { managedPreferencesDirs: options.managedPreferencesDirs }),
      });
      managed = details.managedPreferences.preferences;
      return ok({
        ...toAccountDiscovery(details),
        supportConfigured: resolveSupportContact(linkTargetsFrom(managed)).ok,
        webmailConfigured: resolveLinkTarget('webmail', linkTargetsFrom(managed)).ok,
        identitiesMasked: managed.maskIdentities,
      });
    },
  };

  const caFiles = options.diagnosisTuning?.caFiles ?? [];
  // Read at each action, like a diagnosis: IT's switch and CAs apply without a restart.
  const managedNow = () => readManagedPreferences(options.managedPreferencesDirs === undefined ? {} : { dirs: options.managedPreferencesDirs });
  const admin = createAdminService({
    stateDir: options.stateDir,
    tokens: options.hostingTokens ?? keychainTokenStore(),
    managedPolicy: async () => adminToolsPolicy(await managedNow()),
    probes: realProbeSet({ publicIpLookup: false }),
    // The preview's/tests' CA files and IT's trusted CAs add trust; nothing turns verification off.
    extraCaPem: async () => [...(await readCaFiles(caFiles)), ...(await managedNow()).preferences.trustedCaPems],
    ...(options.hostingMailHost === undefined ? {} : { mailHostOverride: options.hostingMailHost }),
    log: options.log,
    ...(options.guard === undefined ? {} : { guard: options.guard }),
  });

  const diagnosis = createDiagnosisSessions({
    newRunId: randomUUID,
    log: options.log,
    diagnose: async (request, control) => {
      const { diagnoseAccounts } = await import('./diagnosis/diagnoseAccounts');
      return diagnoseAccounts({
        home: options.homeDir,
        homeSource: options.homeSource,
        stateDir: options.stateDir,
        request,
        runId: control.runId,
        signal: control.signal,
        onProgress: control.onProgress,
        secrets: control.secrets,
        ...(options.diagnosisTuning === undefined ? {} : { tuning: options.diagnosisTuning }),
        hostFacts: admin.hostFacts(),
      });
    },
  });

  const report: ReportService = {
    async get(request) {
      const run = diagnosis.finishedRun(request.runId);
      if (run === undefined) return err('run-not-found', 'That check has not finished, or is too old to report on.');
      const { buildSupportReport } = await import('./report/supportReport');
      const { currentReportEnvironment, SYSTEM_VERSION_PLIST } = await import('./report/environment');
      const { readManagedPreferences } = await import('./accounts/managedPreferencesRead');
      const { effectiveMaskIdentities, reportExtrasFrom } = await import('./fleet/managedPolicy');
      // Read now, not at start-up: a profile IT pushed since is what the report must follow.
      const managedRead = await readManagedPreferences(options.managedPreferencesDirs === undefined ? {} : { dirs: options.managedPreferencesDirs });
      const environment = await currentReportEnvironment(options.appInfo.version, new Date(), SYSTEM_VERSION_PLIST, reportExtrasFrom(managedRead));
      const report = buildSupportReport(
        run,
        { ...environment, ...(options.macosVersion === undefined ? {} : { macosVersion: options.macosVersion }) },
        // IT's MaskIdentities masks the report whatever the person chose.
        { maskIdentities: effectiveMaskIdentities(managedRead.preferences, request.maskIdentities) },
      );
      // The report leaves through the clipboard, a file, a mail draft or IPC: each checks again, this is the first.
      const guard = options.guard ?? processExitGuard;
      return ok({
        markdown: guardDocument(guard, 'report', report.markdown),
        json: JSON.stringify(guardReportJson(guard, 'report', report.json), null, 2),
        verdictTitle: guard.text('report', verdictTitleOf(report.json)).value,
      });
    },
  };

  return {
    accounts,
    diagnosis,
    report,
    admin,
    managedLinkTargets: () => linkTargetsFrom(managed),
  };
}

/**
 * The verdict in one line, taken from the report itself so it is masked exactly like the report: one
 * account's verdict title, or the distinct titles of several.
 */
function verdictTitleOf(json: SupportReportJson): string {
  const titles = [...new Set(json.accounts.map((account) => account.verdict.title))];
  return titles.length === 0 ? 'no account was checked' : titles.join('; ');
}

function linkTargetsFrom(preferences: ManagedPreferences | null): ManagedLinkTargets {
  if (preferences === null) return {};
  const supportUrl =
    preferences.supportUrl ??
    (preferences.supportEmail === undefined ? undefined : `mailto:${encodeURIComponent(preferences.supportEmail)}`);
  return {
    ...(preferences.webmailUrl === undefined ? {} : { webmailUrl: preferences.webmailUrl }),
    ...(supportUrl === undefined ? {} : { supportUrl }),
  };
}

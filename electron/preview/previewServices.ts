/**
 * The services behind the web preview (`npm run preview`): the real accounts, diagnosis and report,
 * and 'unavailable-in-preview' for everything that would act on the developer's machine.
 */
import type { AppInfo } from '../../shared/ipc/contract';
import { err } from '../../shared/result';
import type { MainServices } from '../ipc/mainServices';
import type { CoreServices } from '../services';

const unavailable = (what: string) => () =>
  Promise.resolve(err('unavailable-in-preview', `${what} works only in the Mail Doctor app, not in the web preview.`));

export function previewServices(core: Pick<CoreServices, 'accounts' | 'diagnosis' | 'report' | 'admin'>, appInfo: AppInfo): MainServices {
  return {
    appInfo: () => appInfo,
    accounts: core.accounts,
    diagnosis: core.diagnosis,
    report: core.report,
    // The preview must not touch the developer's clipboard, open apps or dialogs, or write files on their machine.
    clipboard: { writeText: unavailable('Copying the report') },
    links: { open: unavailable('Opening links') },
    reportFiles: { save: unavailable('Saving the report') },
    support: { contact: unavailable('Contacting support') },
    // The preview's hosting tools keep tokens in memory only (electron/preview/server.ts), never in a keychain.
    admin: core.admin,
  };
}

/**
 * "I manage this hosting account" in the window (Debian's Chromium, 1000×700), against the preview running
 * the real pipeline and the real hosting service, the cPanel/WHM contract double and the real loopback mail
 * servers. Offered closed when nothing is set; connect; is this address blocked (a real cPHulk block: the
 * check afterwards reports IP_BLOCKED_CONFIRMED), unblock; reset the password (typed twice, strength shown);
 * the temporary test mailbox with its steps. axe in light and dark and screenshots at each stage.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { MacHome } from '../fixtures/buildMacHome';
import { buildMacHome } from '../fixtures/buildMacHome';
import { imapLoginFrom } from '../integration/admin/adminSupport';
import { writeManagedPreferences } from '../fixtures/writers/managedPreferences';
import type { CpanelDouble } from '../servers/cpanelDouble';
import { startCpanelDouble } from '../servers/cpanelDouble';
import { startPreview } from './support/previewServer';
import type { Rig } from './support/windowScenarios';
import { ALICE_DESCRIPTION, aliceHome, startRig } from './support/windowScenarios';

const screenshotsDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const CPANEL_TOKEN = 'CPANELTOKEN0123456789ABCDEFGHIJK';
const WHM_TOKEN = 'WHMTOKEN0123456789ABCDEFGHIJKLMN';

test.use({ viewport: { width: 1000, height: 700 } });

let rig: Rig | null = null;
let double: CpanelDouble | null = null;
let rigUnavailable: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  await mkdir(screenshotsDir, { recursive: true });
  const started = await startRig();
  if ('unavailable' in started) {
    rigUnavailable = started.unavailable;
    return;
  }
  rig = started;
  double = await startCpanelDouble({
    info: started.info,
    cpanel: { user: 'exampleuser', token: CPANEL_TOKEN, domains: ['example.test'] },
    whm: { user: 'root', token: WHM_TOKEN },
    existingMailboxes: [started.info.users.alice.address],
  });
});

test.afterAll(async () => {
  await double?.stop();
  await rig?.stop();
});

test.beforeEach(() => {
  test.setTimeout(120_000);
});

const cleanups: (() => Promise<void>)[] = [];
test.afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function requireRig(): { rig: Rig; double: CpanelDouble } {
  if (rig === null || double === null) {
    if (process.env.CI === 'true') throw new Error(`the test servers must run under CI: ${rigUnavailable ?? 'not started'}`);
    test.skip(true, rigUnavailable ?? 'test servers not started');
    throw new Error('unreachable');
  }
  return { rig, double };
}

/** The preview with the rig's resolver and CA, the hosting tools' test mailbox pointed at the loopback servers. */
async function open(page: Page, home: MacHome, current: Rig): Promise<void> {
  const stateDir = await mkdtemp(join(tmpdir(), 'md-admin-window-'));
  const preview = await startPreview({
    home: home.home,
    env: home.env,
    extraArgs: [
      '--state-dir', stateDir,
      '--timeout', '3',
      ...home.managedPreferencesDirs.flatMap((dir) => ['--managed-preferences-dir', dir]),
      '--dns-server', `127.0.0.1:${String(current.info.dns.port)}`,
      '--ca-file', current.info.caFile,
      '--captive-url', current.web.captiveUrl,
      '--webmail-url', current.web.webmailUrl,
      '--public-ip-resolver', `127.0.0.1:${String(current.info.dns.port)}`,
      '--hosting-mail-host', '127.0.0.1',
    ],
  });
  cleanups.push(() => preview.stop());
  await page.goto(preview.pageUrl);
}

async function healthyAlice(current: Rig, managed?: { readonly AdminToolsEnabled: boolean }): Promise<MacHome> {
  const { info } = current;
  const home = await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: info.users.alice.password });
  cleanups.push(() => home.cleanup());
  const dir = home.managedPreferencesDirs[0];
  if (managed !== undefined && dir !== undefined) {
    await mkdir(dir, { recursive: true });
    await writeManagedPreferences(dir, managed);
  }
  return home;
}

/** A Mac whose Mail has one account for `address` (IMAP + SMTP on the rig), its password saved for both servers. */
async function mailboxHome(current: Rig, address: string, password: string): Promise<MacHome> {
  const { info } = current;
  const home = await buildMacHome({
    accountsDatabase: {
      accounts: [
        {
          pk: 1,
          uuid: 'AD111000-0000-4000-8000-0000000AD111',
          type: 'com.apple.account.IMAP',
          username: address,
          description: ALICE_DESCRIPTION,
          properties: { Hostname: info.goodName, PortNumber: info.imap.implicit, SSLEnabled: true, SSLIsDirect: true, SMTPIdentifier: `${info.goodName}:${address}`, EmailAddresses: [address] },
        },
        {
          pk: 2,
          uuid: 'AD1115E7-0000-4000-8000-0000000AD111',
          type: 'com.apple.account.SMTP',
          username: address,
          properties: { Hostname: info.goodName, PortNumber: info.smtp.starttls, SSLEnabled: true, SSLIsDirect: false, ShouldUseAuthentication: true },
        },
      ],
    },
    securityItems: (['imap', 'smtp'] as const).map((protocol) => ({ server: info.goodName, account: address, protocol, result: { kind: 'found' as const, password } })),
    managedPreferences: { device: { AdminToolsEnabled: true } },
  });
  cleanups.push(() => home.cleanup());
  return home;
}

async function checkMyMail(page: Page): Promise<void> {
  await page.getByRole('main').getByRole('button', { name: 'Check My Mail', exact: true }).click();
  const row = page.getByRole('navigation', { name: 'Accounts' }).getByRole('button', { name: new RegExp(ALICE_DESCRIPTION) });
  await expect(row).not.toContainText('Checking…', { timeout: 45_000 });
}

function section(page: Page) {
  return page.getByRole('main').locator('.admin-tools');
}

/** axe in light and dark, and a screenshot of the window in each, as docs/screenshots/<name>-<scheme>.png. */
async function screensPass(page: Page, name: string): Promise<void> {
  await section(page).scrollIntoViewIfNeeded();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page }).analyze();
    const violations = results.violations.map((violation) => `${violation.id}: ${violation.help} [${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}]`);
    await page.screenshot({ path: `${screenshotsDir}${name}-${colorScheme}.png` });
    expect(violations, `${name} (${colorScheme})`).toEqual([]);
  }
}

async function connect(page: Page, api: 'cPanel' | 'WHM', url: string, user: string, token: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Connect a hosting account' });
  const choice = form.getByRole('radio', { name: new RegExp(`^${api}`) });
  if ((await choice.count()) > 0) await choice.check();
  await form.getByLabel(`${api} address`).fill(url);
  await form.getByLabel('User name').fill(user);
  await form.getByLabel('API token').fill(token);
  await form.getByRole('button', { name: `Connect ${api}` }).click();
  await expect(page.getByText(`Connected to ${api} at ${url} as ${user}.`)).toBeVisible();
}

test('not managed and nothing connected: offered behind a closed disclosure; connecting shows the section; a refused token is said so', async ({ page }) => {
  const { rig: current, double: hosting } = requireRig();
  await open(page, await healthyAlice(current), current);
  await checkMyMail(page);
  const offer = page.getByRole('main').locator('details.admin-tools');
  await expect(offer).toBeVisible();
  await expect(offer).not.toHaveAttribute('open');
  await offer.getByText('I manage this hosting account').click();
  await screensPass(page, 'hosting-connect');

  // A wrong token: refused, nothing stored, the token field emptied.
  const form = page.getByRole('form', { name: 'Connect a hosting account' });
  await form.getByRole('radio', { name: /^WHM/ }).check();
  await form.getByLabel('WHM address').fill(hosting.whmUrl);
  await form.getByLabel('User name').fill('root');
  await form.getByLabel('API token').fill('WRONGTOKEN0123456789ABCDEFGHIJKL');
  await form.getByRole('button', { name: 'Connect WHM' }).click();
  await expect(section(page).getByText('WHM refused the token')).toBeVisible();
  await expect(form.getByLabel('API token')).toHaveValue('');

  await connect(page, 'WHM', hosting.whmUrl, 'root', WHM_TOKEN);
  await expect(page.getByRole('main').getByRole('heading', { name: 'I manage this hosting account' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Connected hosting accounts' })).toContainText(`WHM: root at ${hosting.whmUrl}`);
});

test('blocked by cPHulk: the check shows the evidence, the unblock asks first, and the next check confirms, then clears, the block', async ({ page }) => {
  const { rig: current, double: hosting } = requireRig();
  await open(page, await healthyAlice(current, { AdminToolsEnabled: true }), current);
  await checkMyMail(page);
  await connect(page, 'WHM', hosting.whmUrl, 'root', WHM_TOKEN);

  // A block cPHulk recorded for the address WHM sees this Mac as (loopback here), with the failures behind it.
  const now = Date.now();
  await hosting.cphulk.addBrute({ ip: '127.0.0.1', logintime: new Date(now - 5 * 60_000).toISOString(), exptime: new Date(now + 10 * 60_000).toISOString(), notes: 'Too many failed logins' });
  hosting.cphulk.addFailedLogin({ ip: '127.0.0.1', user: current.info.users.alice.address, service: 'imap', logintime: new Date(now - 6 * 60_000).toISOString() });
  try {
    await section(page).getByRole('button', { name: 'Is this address blocked?' }).click();
    await expect(section(page).getByText('This address is blocked')).toBeVisible();
    await expect(section(page).getByText(/Failed login .*alice@example\.test \(imap\)/)).toBeVisible();

    // The check becomes the verdict's evidence on the next check of the account.
    await section(page).getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByRole('main').getByRole('status', { name: 'Your hosting account has blocked this connection' })).toBeVisible({ timeout: 45_000 });

    await section(page).getByRole('button', { name: 'Is this address blocked?' }).click();
    await expect(section(page).getByText('This address is blocked')).toBeVisible();
    // Taken now, so the account's own verdict (the sidebar) and the hosting section tell the same story.
    await screensPass(page, 'hosting-ip-blocked');
    await section(page).getByRole('button', { name: 'Unblock 127.0.0.1…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unblock 127.0.0.1?' });
    await expect(dialog).toBeVisible();
    await screensPass(page, 'hosting-unblock-confirm');
    await dialog.getByRole('button', { name: 'Unblock' }).click();
    await expect(section(page).getByText('This address is unblocked')).toBeVisible();
  } finally {
    await hosting.cphulk.setList('white', '127.0.0.1', 'the test machine');
  }
  await section(page).getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByRole('main').getByRole('status', { name: 'Your hosting account has blocked this connection' })).toHaveCount(0, { timeout: 45_000 });
});

test('reset the password: typed twice with its strength, then the steps for both servers; the mailbox really changed', async ({ page }) => {
  const { rig: current, double: hosting } = requireRig();
  // A mailbox the double owns (the rig's alice is shared by every test), saved in Mail with its first password.
  const address = `md-window-${Date.now().toString(36)}@example.test`;
  const oldPassword = 'Window-Pa55word-first';
  await hosting.store.addMailbox(address, oldPassword);
  cleanups.push(() => hosting.store.deleteMailbox(address));
  await open(page, await mailboxHome(current, address, oldPassword), current);
  await checkMyMail(page);
  await connect(page, 'cPanel', hosting.cpanelUrl, 'exampleuser', CPANEL_TOKEN);

  await section(page).getByRole('button', { name: 'Reset the password…' }).click();
  const dialog = page.getByRole('dialog', { name: `Reset the password of ${address}?` });
  await dialog.getByLabel('New password', { exact: true }).fill('password1');
  await expect(dialog.getByText(/too short|weak/)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Change the password' })).toBeDisabled();
  await dialog.getByLabel('New password', { exact: true }).fill('Tr0ub4dor&3xyz-long');
  await dialog.getByLabel('The same password again').fill('Tr0ub4dor&3xyz-lonG');
  await expect(dialog.getByText('The two passwords are not the same.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Suggest a password' }).click();
  await expect(dialog.getByText(/Strength: (strong|very strong)/)).toBeVisible();
  const newPassword = await dialog.getByLabel('New password', { exact: true }).inputValue();
  expect(newPassword).toHaveLength(20);
  await screensPass(page, 'hosting-reset-password');

  await dialog.getByRole('button', { name: 'Change the password' }).click();
  await expect(section(page).getByText('The password was changed')).toBeVisible();
  const steps = section(page).getByRole('list').filter({ hasText: 'Incoming Mail Server' });
  await expect(steps).toContainText('Outgoing Mail Server, type the same new password');
  await screensPass(page, 'hosting-reset-done');

  // On the real servers: the new password works, the old one no longer does.
  expect((await imapLoginFrom(current.info, address, newPassword, '127.0.0.1')).ok).toBe(true);
  expect((await imapLoginFrom(current.info, address, oldPassword, '127.0.0.1')).ok).toBe(false);
});

test('the temporary test mailbox: its steps as they happen, the conclusion, and nothing left behind', async ({ page }) => {
  const { rig: current, double: hosting } = requireRig();
  await open(page, await healthyAlice(current, { AdminToolsEnabled: true }), current);
  await checkMyMail(page);
  await connect(page, 'cPanel', hosting.cpanelUrl, 'exampleuser', CPANEL_TOKEN);
  await section(page).getByRole('button', { name: 'Test with a temporary mailbox…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Test with a temporary mailbox?' });
  await expect(dialog).toContainText('example.test');
  await dialog.getByRole('button', { name: 'Run the test' }).click();
  await expect(section(page).getByText('The server and the network are fine')).toBeVisible({ timeout: 60_000 });
  for (const name of ['Create a temporary mailbox', 'Log in to the incoming server', 'Log in to the outgoing server', 'Send a message to itself', 'Receive that message', 'Delete the temporary mailbox']) {
    await expect(section(page).getByRole('listitem').filter({ hasText: name })).toContainText('(done)');
  }
  expect(hosting.store.mailboxes('example.test').filter((address) => address.startsWith('md-test-'))).toEqual([]);
  await screensPass(page, 'hosting-test-mailbox');
});

test('IT turned the tools off: no section at all', async ({ page }) => {
  const { rig: current } = requireRig();
  await open(page, await healthyAlice(current, { AdminToolsEnabled: false }), current);
  await checkMyMail(page);
  await expect(page.getByRole('main').getByText('I manage this hosting account')).toHaveCount(0);
});

/**
 * The window as a person sees it, in Debian's Chromium at 1000×700, against `electron/preview/server.ts`
 * running the real pipeline on the real loopback Dovecot/Exim/dnsmasq with fixture Mac homes. Every
 * scenario asserts roles and words (not CSS classes), runs axe in light and dark, and writes the
 * screenshots in docs/screenshots/. Every problem scenario also passes issue 16's acceptance criteria in
 * both appearances (tests/e2e/support/acceptance.ts): verdict, next step and the card's Password row above
 * the fold; no sentence or finding title twice; one next step and one default button; at most 60 words of
 * prose above the fold; no jargon outside closed disclosures; status symbols at 3:1 or more.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { MacHome } from '../fixtures/buildMacHome';
import {
  CANARY_PASSWORD,
  CANARY_SASL_PLAIN,
  imapLoginTranscript,
  logFileName,
  smtpLoginTranscript,
  writeMailEvidenceFixtures,
} from '../fixtures/evidence';
import { dropPort, firewallFaultsUnavailableReason, startFaultProxy } from '../servers/faults';
import { expectAboveTheFold, expectReadableOnce, readVisibleText } from './support/acceptance';
import type { Rig, WindowPreview } from './support/windowScenarios';
import {
  ALICE_DESCRIPTION,
  ALICE_INCOMING_UUID,
  ALICE_OUTGOING_UUID,
  NOBODY,
  aliceHome,
  lockedHome,
  startRig,
  startWindowPreview,
  unlockHome,
} from './support/windowScenarios';
import type { KeychainRefusal } from './support/windowScenarios';

const screenshotsDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Issue 16 measures the window at 1000×700: what fits there is "above the fold". */
test.use({ viewport: { width: 1000, height: 700 } });

let rig: Rig | null = null;
let rigUnavailable: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  await mkdir(screenshotsDir, { recursive: true });
  const started = await startRig();
  if ('unavailable' in started) rigUnavailable = started.unavailable;
  else rig = started;
});

test.afterAll(async () => {
  await rig?.stop();
});

// Each scenario runs the real checks (twice in one), then axe and screenshots in two appearances.
test.beforeEach(() => {
  test.setTimeout(90_000);
});

const cleanups: (() => Promise<void>)[] = [];
test.afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** The rig, or a failure under CI / a reported skip elsewhere (never a silent pass). */
function requireRig(): Rig {
  if (rig === null) {
    if (process.env.CI === 'true') throw new Error(`the test servers must run under CI: ${rigUnavailable ?? 'not started'}`);
    test.skip(true, rigUnavailable ?? 'test servers not started');
    throw new Error('unreachable');
  }
  return rig;
}

async function open(page: Page, options: Parameters<typeof startWindowPreview>[0]): Promise<WindowPreview> {
  const preview = await startWindowPreview(options);
  cleanups.push(() => preview.stop());
  await page.goto(preview.pageUrl);
  return preview;
}

function track(home: MacHome): MacHome {
  cleanups.push(() => home.cleanup());
  return home;
}

function accounts(page: Page) {
  return page.getByRole('navigation', { name: 'Accounts' });
}

function accountRow(page: Page) {
  return accounts(page).getByRole('button', { name: new RegExp(ALICE_DESCRIPTION) });
}

function verdict(page: Page, title?: string) {
  return page.getByRole('main').getByRole('status', title === undefined ? undefined : { name: title });
}

/** Starts a check with the given control and waits for its verdict. */
async function check(page: Page, start: () => Promise<void>): Promise<void> {
  await start();
  await expect(accountRow(page)).not.toContainText('Checking…', { timeout: 45_000 });
  await expect(verdict(page)).toBeVisible();
}

async function checkMyMail(page: Page): Promise<void> {
  await check(page, () => page.getByRole('main').getByRole('button', { name: 'Check My Mail', exact: true }).click());
}

function step(page: Page, title: string) {
  return page.getByRole('main').getByRole('listitem').filter({ has: page.getByText(title, { exact: false }) }).first();
}

async function showAllSteps(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Show all \d+ steps$/ }).click();
}

/** Back to the condensed checklist, every disclosure closed, as after the check. */
async function showOnlyAttention(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Show only steps that need attention' }).click();
  await page.locator('main details[open]').evaluateAll((open) => open.forEach((details) => details.removeAttribute('open')));
}

/** Opens a step's row (a closed disclosure) and its nested "Technical details". */
async function openTechnicalDetails(page: Page, title: string) {
  const row = step(page, title);
  if ((await row.locator('details').first().getAttribute('open')) === null) await row.getByText(title).click();
  const technical = row.locator('details.technical');
  if ((await technical.getAttribute('open')) === null) await technical.getByText('Technical details').click();
  return row;
}

function passwordRow(page: Page) {
  return page.getByRole('main').getByRole('table').getByRole('row', { name: /^Password/ });
}

/** axe in light and dark, and a screenshot of the window in each, as docs/screenshots/<name>-<scheme>.png. */
async function screensPass(page: Page, name: string, eachScheme?: (scheme: string) => Promise<void>): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page }).analyze();
    const violations = results.violations.map(
      (violation) => `${violation.id}: ${violation.help} [${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}]`,
    );
    await page.screenshot({ path: `${screenshotsDir}${name}-${colorScheme}.png` });
    expect(violations, `${name} (${colorScheme})`).toEqual([]);
    await eachScheme?.(colorScheme);
  }
}

/** Issue 16's criteria for a problem screen, in light and dark; then the screenshots. */
async function problemScreenPasses(page: Page, name: string, options: { readonly card: boolean }): Promise<void> {
  await page.locator('main').evaluate((main) => main.scrollTo(0, 0));
  await screensPass(page, name, async (scheme) => {
    await expectAboveTheFold(page, page.locator('#verdict-title'), `${scheme}: the verdict title`);
    const nextStep = page.getByRole('region', { name: 'Next step', exact: true });
    await expectAboveTheFold(page, nextStep.locator('.next-step-sentence'), `${scheme}: the next step`);
    await expectAboveTheFold(page, nextStep.locator('[data-default-button]'), `${scheme}: the next step's button`);
    if (options.card) await expectAboveTheFold(page, passwordRow(page), `${scheme}: the card's Password row`);
    const visible = await expectReadableOnce(page, scheme);
    expect(visible.proseWordsAboveFold, `${scheme}: words of prose above the fold`).toBeLessThanOrEqual(60);
  });
}

test('healthy account: the start screen says what will happen; nothing wrong; the report is shared from the toolbar', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: info.users.alice.password }));
  await open(page, { rig, home });

  await expect(page.getByRole('heading', { level: 1, name: 'Mail Doctor' })).toBeVisible();
  await expect(accountRow(page)).toContainText('Not checked yet');
  const start = page.getByRole('main');
  await expect(start).toContainText('Logs in once to each mail server, never more');
  await expect(start).toContainText('Changes nothing in Mail');
  await expect(start).toContainText('never contains a password');
  // Nothing to share before a check.
  await expect(page.getByRole('button', { name: 'Share Report' })).toBeDisabled();
  await screensPass(page, 'start');

  await checkMyMail(page);
  await expect(verdict(page, 'Nothing wrong found')).toBeVisible();
  await expect(accountRow(page)).toContainText('No problem found');
  // Both logins really happened: the card's chips say so, and the technical details hold the servers' words.
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Accepted');
  await expect(passwordRow(page).getByRole('cell').nth(2)).toContainText('Accepted');
  await expect(passwordRow(page)).not.toContainText('different passwords');
  await showAllSteps(page);
  const sending = await openTechnicalDetails(page, 'Sending: outgoing login and settings');
  await expect(sending).toContainText('The outgoing server accepted the saved password');

  // The Share Report menu: copy, save, and the mask choice; no "Contact Support…" without managed preferences.
  const share = page.getByRole('button', { name: 'Share Report' });
  await share.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Share Report' });
  await expect(menu.getByRole('menuitem', { name: 'Copy Report' })).toBeFocused();
  await expect(menu.getByRole('menuitem', { name: 'Save Report…' })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /Contact Support/ })).toHaveCount(0);
  const mask = menu.getByRole('menuitemcheckbox', { name: 'Hide My Email Address' });
  await expect(mask).toHaveAttribute('aria-checked', 'false');
  await page.keyboard.press('End');
  await expect(mask).toBeFocused();
  await page.keyboard.press('Space');
  await expect(mask).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(share).toBeFocused();
  // The preview writes no files on the developer's machine: main answers through the bridge, and the window says it.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Save Report…' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Saving the report works only in the Mail Doctor app' })).toBeVisible();
  await showOnlyAttention(page);
  await page.locator('main').evaluate((main) => main.scrollTo(0, 0));
  await screensPass(page, 'healthy');
});

test('managed preferences name a support contact and mask identities: "Contact Support…", and the mask shown as IT\'s choice', async ({ page }) => {
  const { info } = requireRig();
  const home = track(
    await aliceHome(info, {
      imapPassword: info.users.alice.password,
      smtpPassword: info.users.alice.password,
      supportEmail: 'helpdesk@example.com',
      maskIdentities: true,
    }),
  );
  await open(page, { rig, home });
  await checkMyMail(page);

  await page.getByRole('button', { name: 'Share Report' }).click();
  const menu = page.getByRole('menu', { name: 'Share Report' });
  const contact = menu.getByRole('menuitem', { name: 'Contact Support…' });
  await expect(contact).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: 'Copy Report' })).toBeVisible();
  // IT's MaskIdentities masks every report, so the choice is shown made, cannot be undone, and says who made it.
  const mask = menu.getByRole('menuitemcheckbox', { name: 'Hide My Email Address', exact: true });
  await expect(mask).toHaveAttribute('aria-checked', 'true');
  await expect(mask).toHaveAttribute('aria-disabled', 'true');
  await expect(mask).toHaveAccessibleDescription('Your IT department hides it in every report.');
  await expect(menu).toContainText('Your IT department hides it in every report.');
  await expect(mask).toBeDisabled();
  // Choosing it from the keyboard changes nothing either.
  await page.keyboard.press('End');
  await expect(mask).toBeFocused();
  await page.keyboard.press('Space');
  await expect(mask).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Home');
  await screensPass(page, 'support-report');
  await contact.click();
  // The preview opens no mail app on the developer's machine and says so.
  await expect(page.getByRole('status').filter({ hasText: 'Contacting support works only in the Mail Doctor app' })).toBeVisible();
});

test('outgoing password stale: the verdict, one next step, and the card marks only the sending side', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: 'Last-Years-Pa55' }));
  await open(page, { rig, home });
  await checkMyMail(page);

  await expect(verdict(page, "Mail's outgoing password is out of date")).toBeVisible();
  await expect(page.getByRole('region', { name: 'Next step', exact: true })).toContainText('outgoing');
  await expect(page.getByRole('region', { name: 'Next step', exact: true }).getByRole('button', { name: 'Open Mail' })).toBeVisible();
  await expect(accountRow(page)).toContainText('Problem found');

  const receiving = passwordRow(page).getByRole('cell').nth(0);
  const between = passwordRow(page).getByRole('cell').nth(1);
  const sending = passwordRow(page).getByRole('cell').nth(2);
  await expect(receiving).toContainText('Accepted');
  await expect(receiving).not.toContainText('Out of date');
  await expect(between).toHaveText('≠ different passwords');
  await expect(sending).toContainText('Refused');
  await expect(sending).toContainText('Out of date');
  await expect(page.getByRole('main').getByRole('columnheader', { name: /Sending/ })).toContainText(info.goodName);

  // The condensed checklist lists the sending step, and offers the rest.
  await expect(step(page, 'Sending: outgoing login and settings')).toContainText('Problem');
  await expect(page.getByText(/\d+ passed · 1 problem/)).toBeVisible();
  await expect(step(page, 'Internet access')).toHaveCount(0);

  // "Show all settings": port, encryption and user name beside what the domain publishes.
  await page.getByRole('button', { name: 'Show all settings' }).click();
  await expect(page.getByRole('main').getByRole('row', { name: /^Port/ })).toContainText('example.test');
  await page.getByRole('button', { name: 'Hide settings' }).click();

  // The passwords themselves are never on the page.
  await expect(page.locator('body')).not.toContainText('Last-Years-Pa55');
  await expect(page.locator('body')).not.toContainText(info.users.alice.password);
  await problemScreenPasses(page, 'outgoing-password-stale', { card: true });
});

test('wrong password on both servers; ⌘R / Ctrl+R checks again, and the login budget pauses the login', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: 'Changed-Elsewhere-1', smtpPassword: 'Changed-Elsewhere-1' }));
  await open(page, { rig, home });
  await checkMyMail(page);

  const title = 'Your password seems to have changed';
  await expect(verdict(page, title)).toBeVisible();
  // The same password was saved for both, and both servers refused it: both sides marked, no "different" badge.
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Refused');
  await expect(passwordRow(page).getByRole('cell').nth(2)).toContainText('Refused');
  await expect(passwordRow(page)).not.toContainText('different passwords');
  await expect(page.getByRole('main').getByText(title)).toHaveCount(1);
  await problemScreenPasses(page, 'wrong-password-both', { card: true });

  // Another login now would only bring the user's IP closer to a ban: Mail Doctor waits and says until when.
  await check(page, () => page.keyboard.press('Control+R'));
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Not tried');
  await expect(page.getByRole('main')).toContainText('Login test paused to protect your connection');
  await problemScreenPasses(page, 'login-budget', { card: true });
});

test('while checking: the toolbar shows "Step N of 9", each login as soon as it is known, the steps their live state', async ({ page }) => {
  const { info } = requireRig();
  // A slow incoming server keeps the check running long enough to look at.
  const slowImap = await startFaultProxy({ host: '127.0.0.1', port: info.imap.implicit }, { kind: 'delay', ms: 700 });
  cleanups.push(() => slowImap.close());
  const home = track(await aliceHome(info, { imapPort: slowImap.port, imapPassword: info.users.alice.password, smtpPassword: info.users.alice.password }));
  await open(page, { rig, home, timeoutSeconds: 20 });

  await page.getByRole('main').getByRole('button', { name: 'Check My Mail' }).click();
  const progress = page.getByRole('progressbar', { name: 'Check progress' });
  await expect(progress).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(/Step [2-9] of 9 — /);
  await expect(page.getByRole('banner').getByRole('button', { name: 'Stop' })).toBeEnabled();
  await expect(page.getByRole('main').getByRole('region', { name: `Checking ${ALICE_DESCRIPTION}…` })).toBeVisible();
  await expect(step(page, 'Mail servers reachable and secure')).toContainText('Checking…');
  await expect(accountRow(page)).toContainText('Checking…');
  // The first conclusive side shows as soon as it is known: the fast sending server, while receiving still runs.
  const logins = page.getByRole('list', { name: 'Logins so far' });
  await expect(logins.getByRole('listitem').filter({ hasText: 'Sending' })).toContainText('Accepted', { timeout: 20_000 });
  await expect(logins.getByRole('listitem').filter({ hasText: 'Receiving' })).toContainText('Logging in…');
  await screensPass(page, 'progress');
  await expect(verdict(page)).toBeVisible({ timeout: 60_000 });
  await expect(progress).toHaveCount(0);
});

test('mail ports silently dropped: the blocked-IP verdict for the IT admin', async ({ page }) => {
  const unavailable = firewallFaultsUnavailableReason();
  if (unavailable !== undefined && process.env.CI === 'true') throw new Error(`firewall faults must run under CI: ${unavailable}`);
  test.skip(unavailable !== undefined, `firewall faults need the loopback-only namespace of npm test: ${unavailable ?? ''}`);
  const { info } = requireRig();
  // Private ports (proxies to the real servers), so nothing else's connections are dropped.
  const imapProxy = await startFaultProxy({ host: '127.0.0.1', port: info.imap.implicit }, { kind: 'delay', ms: 0 });
  const smtpProxy = await startFaultProxy({ host: '127.0.0.1', port: info.smtp.starttls }, { kind: 'delay', ms: 0 });
  cleanups.push(() => imapProxy.close(), () => smtpProxy.close());
  cleanups.push(await dropPort(imapProxy.port), await dropPort(smtpProxy.port));
  const home = track(
    await aliceHome(info, {
      imapPort: imapProxy.port,
      smtpPort: smtpProxy.port,
      imapPassword: info.users.alice.password,
      smtpPassword: info.users.alice.password,
    }),
  );
  await open(page, { rig, home, timeoutSeconds: 1.5 });
  await checkMyMail(page);

  await expect(verdict(page, 'Your mail server seems to block this connection')).toBeVisible();
  const nextStep = page.getByRole('region', { name: 'Next step', exact: true });
  await expect(nextStep).toContainText('Your IT admin');
  // The report is what the IT admin needs: the default button copies it (the preview says it cannot).
  await expect(nextStep.getByRole('button', { name: 'Copy Report' })).toBeVisible();
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Not tried');
  await expect(step(page, 'Is this internet connection blocked?')).toContainText('Problem');
  await problemScreenPasses(page, 'ports-dropped', { card: true });
});

test('certificate for another name: the verdict names the name on the certificate', async ({ page }) => {
  const { info } = requireRig();
  const home = track(
    await aliceHome(info, {
      host: info.badCerts.wrongHost.dnsName,
      imapPassword: info.users.alice.password,
      smtpPassword: info.users.alice.password,
    }),
  );
  await open(page, { rig, home });
  await checkMyMail(page);

  await expect(verdict(page, "The server's certificate carries a different name")).toBeVisible();
  // The server column is marked; the logins were not tried (no password goes to a server with the wrong name).
  await expect(page.getByRole('main').getByRole('columnheader', { name: /Receiving/ })).toContainText(info.badCerts.wrongHost.dnsName);
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Not tried');
  await expect(step(page, 'Mail servers reachable and secure')).toContainText('Problem');
  // The certificate's names are in the technical details of step 4.
  await showAllSteps(page);
  await expect(await openTechnicalDetails(page, 'Mail servers reachable and secure')).toContainText('server.hostingco.test');
  await showOnlyAttention(page);
  await problemScreenPasses(page, 'certificate-name-mismatch', { card: true });
});

test('Full Disk Access missing: the window says so and offers the settings', async ({ page }) => {
  const notRoot = process.getuid?.() !== 0;
  if (notRoot && process.env.CI === 'true') throw new Error('CI must run as root: a real permission refusal needs the preview to run as nobody');
  test.skip(notRoot, 'a real permission refusal needs root to run the preview as nobody');
  const home = track(await lockedHome());
  cleanups.push(() => unlockHome(home));
  await open(page, { rig: null, home, uid: NOBODY });

  const banner = verdict(page, "Mail Doctor needs permission to read Mail's files");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Full Disk Access');
  await expect(accounts(page)).toContainText('Mail’s accounts are out of reach for now.');
  await problemScreenPasses(page, 'full-disk-access', { card: false });
  await banner.getByRole('button', { name: 'Open Privacy Settings' }).click();
  // The preview may not open apps on the developer's machine: main answers through the bridge, and the window shows it.
  await expect(banner).toContainText('Opening links works only in the Mail Doctor app');
});

test('test another account: "+" opens the form; the typed password is used once and cleared', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: info.users.alice.password }));
  await open(page, { rig, home });

  await accounts(page).getByRole('button', { name: 'Test Another Account…' }).click();
  const form = page.getByRole('region', { name: 'Test another account' });
  await form.getByLabel('Email address').fill(info.users.bob.address);
  const incoming = form.getByRole('group', { name: 'Incoming (receiving) server' });
  await incoming.getByLabel('Server name').fill(info.goodName);
  await incoming.getByLabel('Port').fill(String(info.imap.implicit));
  await incoming.getByLabel('User name').fill(info.users.bob.address);
  const outgoing = form.getByRole('group', { name: 'Outgoing (sending) server' });
  await outgoing.getByLabel('Server name').fill(info.goodName);
  await outgoing.getByLabel('Port').fill(String(info.smtp.starttls));
  await outgoing.getByLabel('User name').fill(info.users.bob.address);
  const password = form.getByLabel('Password (optional)');
  await expect(password).toHaveAttribute('type', 'password');
  await expect(password).toHaveAttribute('autocomplete', 'off');
  await password.fill(info.users.bob.password);
  await screensPass(page, 'test-another-account');

  await form.getByRole('button', { name: 'Check This Account' }).click();
  await expect(verdict(page, 'Nothing wrong found')).toBeVisible({ timeout: 45_000 });
  await expect(accounts(page)).toContainText(info.users.bob.address);

  // Asking to check it again opens the form with the settings, and an empty password.
  await page.getByRole('banner').getByRole('button', { name: 'Check Again', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Test another account' }).getByLabel('Password (optional)')).toHaveValue('');
  await expect(page.locator('body')).not.toContainText(info.users.bob.password);
});

/** The saved passwords are held where no other app may read them (the stand-in `security` refuses, exit 51). */
const KEYCHAIN_REFUSES: KeychainRefusal = { kind: 'refused', exitCode: 51 };

/**
 * A time `minutesAgo` in the past, 10 s into its minute: the log lines a few seconds later still fall in
 * the same minute, so the window's minute-precision time is unambiguous.
 */
function minutesAgo(minutes: number): Date {
  const at = Date.now() - minutes * 60_000;
  return new Date(at - (at % 60_000) + 10_000);
}

/** A time as this browser's window shows it: the person's locale and time zone, day and minute. */
function shownTime(page: Page, at: Date): Promise<string> {
  return page.evaluate(
    (iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    at.toISOString(),
  );
}

test('the keychain gives no password: the person types it once and both servers are tested with it', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: KEYCHAIN_REFUSES, smtpPassword: KEYCHAIN_REFUSES }));
  await open(page, { rig, home });
  await checkMyMail(page);
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Couldn’t read');

  await page.getByRole('main').getByRole('button', { name: 'Type the Password…' }).first().click();
  const form = page.getByRole('region', { name: 'Test with a password you type' });
  const field = form.getByLabel(`Your current password for ${info.users.alice.address}`);
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill(info.users.alice.password);
  await check(page, () => form.getByRole('button', { name: 'Test This Password' }).click());

  // The same account (its settings and evidence), logged in with the typed password, once per server.
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Accepted');
  await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Typed for this check');
  await expect(passwordRow(page).getByRole('cell').nth(2)).toContainText('Accepted');
  await expect(form).toHaveCount(0);
  await showAllSteps(page);
  await expect(await openTechnicalDetails(page, 'Receiving: login with the saved password')).toContainText(
    'You typed the password for the incoming server for this check',
  );
  await expect(page.locator('body')).not.toContainText(info.users.alice.password);
  await showOnlyAttention(page);
  await screensPass(page, 'typed-password');
});

test.describe("what Mail itself saw, in a time zone that is not the machine's", () => {
  // The window shows the person's own time: a zone far from the test machine's UTC proves it is not UTC.
  test.use({ timezoneId: 'America/Los_Angeles', locale: 'en-US' });

  test("passwords out of reach, Mail's log shows the incoming server refusing: the card names the incoming side", async ({ page }) => {
    const { info } = requireRig();
    const rejectedAt = minutesAgo(3 * 60);
    const home = track(await aliceHome(info, { imapPassword: KEYCHAIN_REFUSES, smtpPassword: KEYCHAIN_REFUSES, credentialRejectedAt: rejectedAt }));
    const refusedAt = minutesAgo(20);
    const acceptedAt = new Date(refusedAt.getTime() + 30_000);
    writeMailEvidenceFixtures(home.home, {
      connectionLogs: {
        [logFileName(info.goodName, ALICE_INCOMING_UUID)]: imapLoginTranscript({ host: info.goodName, port: info.imap.implicit, at: refusedAt, result: 'rejected' }),
        [logFileName(info.goodName, ALICE_OUTGOING_UUID)]: smtpLoginTranscript({ host: info.goodName, port: info.smtp.starttls, at: acceptedAt, result: 'accepted' }),
      },
    });
    await open(page, { rig, home });
    await checkMyMail(page);

    const refusedShown = await shownTime(page, refusedAt);
    const acceptedShown = await shownTime(page, acceptedAt);
    // The machine runs in UTC and the window in Los Angeles: the two must differ for this test to mean anything.
    expect(refusedShown).not.toContain(`${String(refusedAt.getUTCHours() % 12 || 12)}:${String(refusedAt.getUTCMinutes()).padStart(2, '0')}`);

    // No password was read, yet the verdict names the incoming server's saved password as the stale one.
    await expect(verdict(page, "Mail's incoming password is out of date")).toBeVisible();
    await expect(page.getByRole('region', { name: 'Next step', exact: true })).toContainText('incoming');
    await expect(accountRow(page)).toContainText('Problem found');

    // The card: neither password could be read; Mail's own last login, per server, in the person's time.
    const mailLogin = page.getByRole('main').getByRole('row', { name: /^Mail’s last login/ });
    await expect(mailLogin.getByRole('cell').nth(0)).toContainText('Refused');
    await expect(mailLogin.getByRole('cell').nth(0)).toContainText(refusedShown);
    await expect(mailLogin.getByRole('cell').nth(2)).toContainText('Accepted');
    await expect(mailLogin.getByRole('cell').nth(2)).toContainText(acceptedShown);
    await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Couldn’t read');
    await expect(passwordRow(page).getByRole('cell').nth(0)).toContainText('Out of date');
    await expect(passwordRow(page).getByRole('cell').nth(2)).not.toContainText('Out of date');
    await expect(passwordRow(page).getByRole('cell').nth(1)).toHaveText('≠ different passwords');
    await expect(page.getByRole('main')).not.toContainText('UTC');
    // Each time once per server: the card holds them; the verdict's words do not repeat them.
    const shownText = (await readVisibleText(page)).text;
    const times = (time: string): number => shownText.split(time).length - 1;
    if (refusedShown === acceptedShown) expect(times(refusedShown)).toBe(2);
    else expect([times(refusedShown), times(acceptedShown)]).toEqual([1, 1]);

    // Step 5's technical details: what Mail saw (the server's own words), apart from what this run's checks saw.
    await showAllSteps(page);
    const incomingStep = await openTechnicalDetails(page, 'Receiving: login with the saved password');
    const incomingMailSaw = incomingStep.getByRole('list', { name: 'What Mail itself saw' });
    await expect(incomingMailSaw).toContainText(`At ${refusedShown}, Mail's log shows ${info.goodName} refusing Mail's login.`);
    await expect(incomingMailSaw).toContainText('NO [AUTHENTICATIONFAILED] Authentication failed.');
    await expect(incomingMailSaw).not.toContainText('UTC');
    await expect(incomingStep.getByRole('list', { name: 'What Mail Doctor saw' })).toContainText(
      'Login to the incoming server not tried: No saved password could be read to test.',
    );
    const outgoingStep = await openTechnicalDetails(page, 'Sending: outgoing login and settings');
    await expect(outgoingStep.getByRole('list', { name: 'What Mail itself saw' })).toContainText('235 2.7.0 Authentication successful');

    // The canary credential in Mail's log never shows.
    await expect(page.locator('body')).not.toContainText(CANARY_PASSWORD);
    await expect(page.locator('body')).not.toContainText(CANARY_SASL_PLAIN);
    await showOnlyAttention(page);
    await problemScreenPasses(page, 'mail-saw', { card: true });
  });
});

test("Mail's connection log is off: the step that needs it says how to turn it on", async ({ page }) => {
  const { info } = requireRig();
  // No log folder, passwords that cannot be read, and a password request macOS refused an hour ago: the
  // suppressed prompt is the verdict, and turning on Mail's log is the way to learn which password is stale.
  const rejectedAt = minutesAgo(60);
  const home = track(await aliceHome(info, { imapPassword: KEYCHAIN_REFUSES, smtpPassword: KEYCHAIN_REFUSES, credentialRejectedAt: rejectedAt }));
  await open(page, { rig, home });
  await checkMyMail(page);

  const liftsShown = await shownTime(page, new Date(rejectedAt.getTime() + 24 * 3_600_000));
  await expect(verdict(page, 'macOS will not ask for the password again')).toBeVisible();
  await expect(verdict(page)).toContainText(`until ${liftsShown}`);
  const incomingStep = step(page, 'Receiving: login with the saved password');
  await expect(incomingStep).toContainText("Mail's connection log is switched off");
  await incomingStep.getByText('Receiving: login with the saved password').click();
  await expect(incomingStep).toContainText('Log Connection Activity');
  await incomingStep.getByText('Receiving: login with the saved password').click();
  await problemScreenPasses(page, 'connection-log-off', { card: true });
});

/**
 * The window as a person sees it, in Debian's Chromium, against `electron/preview/server.ts` running
 * the real pipeline on the real loopback Dovecot/Exim/dnsmasq with fixture Mac homes. Every scenario
 * asserts roles and words (not CSS classes), runs axe in light and dark, and writes the screenshots in
 * docs/screenshots/.
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

test.use({ viewport: { width: 1120, height: 860 } });

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

function accountButton(page: Page) {
  return page.getByRole('navigation', { name: 'Mail accounts' }).getByRole('button', { name: new RegExp(ALICE_DESCRIPTION) });
}

async function checkMyMail(page: Page, button = 'Check my mail'): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await expect(page.getByText('The check is done.')).toBeVisible({ timeout: 45_000 });
}

/** axe in light and dark, and a full-page screenshot of each, as docs/screenshots/<name>-<scheme>.png. */
async function screensPass(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page }).analyze();
    const violations = results.violations.map(
      (violation) => `${violation.id}: ${violation.help} [${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}]`,
    );
    expect(violations, `${name} (${colorScheme})`).toEqual([]);
    await page.screenshot({ path: `${screenshotsDir}${name}-${colorScheme}.png`, fullPage: true });
  }
}

function step(page: Page, title: string) {
  return page.getByRole('listitem').filter({ has: page.getByText(title, { exact: false }) }).first();
}

test('healthy account: nothing wrong, every login step passed', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: info.users.alice.password }));
  await open(page, { rig, home });

  await expect(page.getByRole('heading', { level: 1, name: 'Mail Doctor' })).toBeVisible();
  await expect(accountButton(page)).toContainText('Not checked yet');
  await screensPass(page, 'start');

  await checkMyMail(page);
  await expect(page.getByRole('status', { name: 'Nothing wrong found' })).toBeVisible();
  await expect(accountButton(page)).toContainText('No problem found');
  // Both logins really happened (the login step may still hold a note, e.g. Mail's connection log is off).
  await expect(step(page, 'Receiving: login with the saved password')).toContainText('The incoming server accepted the saved password');
  await expect(step(page, 'Sending: outgoing login and settings')).toContainText('Passed');
  await expect(step(page, 'Sending: outgoing login and settings')).toContainText('The outgoing server accepted the saved password');
  await expect(page.getByRole('button', { name: 'Run the check again' })).toBeVisible();

  // The support report: copy, save, and a mask choice; no "Contact support" without managed preferences.
  const report = page.getByRole('region', { name: 'Support report' });
  await expect(report.getByRole('button', { name: 'Copy the report', exact: true })).toBeVisible();
  await expect(report.getByRole('button', { name: 'Save the report…', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Contact support' })).toHaveCount(0);
  const mask = report.getByRole('checkbox', { name: 'Hide my email address in the report' });
  await expect(mask).not.toBeChecked();
  await mask.focus();
  await page.keyboard.press('Space');
  await expect(mask).toBeChecked();
  // The preview writes no files on the developer's machine: main answers through the bridge, and the window shows it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(report.getByRole('button', { name: 'Save the report…' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(report).toContainText('Saving the report works only in the Mail Doctor app');
  await screensPass(page, 'healthy');
});

test('managed preferences name a support contact: the report panel offers "Contact support"', async ({ page }) => {
  const { info } = requireRig();
  const home = track(
    await aliceHome(info, {
      imapPassword: info.users.alice.password,
      smtpPassword: info.users.alice.password,
      supportEmail: 'helpdesk@example.com',
    }),
  );
  await open(page, { rig, home });
  await checkMyMail(page);

  const report = page.getByRole('region', { name: 'Support report' });
  const contact = report.getByRole('button', { name: 'Contact support', exact: true });
  await expect(contact).toBeVisible();
  await expect(report.getByRole('button', { name: 'Copy the report', exact: true })).toBeVisible();
  await contact.click();
  // The preview opens no mail app on the developer's machine and says so.
  await expect(report).toContainText('Contacting support works only in the Mail Doctor app');
  await screensPass(page, 'support-report');
});

test('outgoing password stale: the mismatch is highlighted and the verdict names the outgoing server', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: 'Last-Years-Pa55' }));
  await open(page, { rig, home });
  await checkMyMail(page);

  const verdict = page.getByRole('status', { name: "Mail's outgoing password is out of date" });
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText('the outgoing server refused the different one Mail saved');
  await expect(verdict).toContainText("Type your current password for the outgoing server in Mail's account settings.");
  await expect(accountButton(page)).toContainText('Problem found');
  await expect(step(page, 'Sending: outgoing login and settings')).toContainText('Problem found');

  const table = page.getByRole('table');
  const passwordRow = table.getByRole('row', { name: /Saved password/ });
  await expect(passwordRow.getByRole('cell').nth(0)).toContainText('Saved, different from the other');
  await expect(passwordRow.getByRole('cell').nth(0)).toContainText('Differs');
  await expect(passwordRow.getByRole('cell').nth(1)).toContainText('Differs');
  await expect(page.getByRole('list', { name: 'Notes on the differences' })).toContainText("Mail's outgoing password is out of date");
  // The passwords themselves are never on the page.
  await expect(page.locator('body')).not.toContainText('Last-Years-Pa55');
  await expect(page.locator('body')).not.toContainText(info.users.alice.password);
  await screensPass(page, 'outgoing-password-stale');
});

test('wrong password on both servers; a second check is paused by the login budget', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: 'Changed-Elsewhere-1', smtpPassword: 'Changed-Elsewhere-1' }));
  await open(page, { rig, home });
  await checkMyMail(page);

  await expect(page.getByRole('status', { name: 'Your password seems to have changed' })).toBeVisible();
  await expect(step(page, 'Receiving: login with the saved password')).toContainText('Problem found');
  await expect(step(page, 'Sending: outgoing login and settings')).toContainText('Problem found');
  // The same password was saved for both, and both servers refused it: a problem with the password, not a difference.
  const passwordRow = page.getByRole('table').getByRole('row', { name: /Saved password/ });
  await expect(passwordRow.getByRole('cell').nth(0)).toContainText('Saved, same for both');
  await expect(passwordRow.getByRole('cell').nth(0)).toContainText('Problem (see note 1)');
  await expect(passwordRow).not.toContainText('Differs');
  await screensPass(page, 'wrong-password-both');

  // Another login now would only bring the user's IP closer to a ban: Mail Doctor waits and says until when.
  await checkMyMail(page, 'Check again');
  const budget = page.getByRole('region', { name: 'Login test paused to protect your connection' });
  await expect(budget).toBeVisible();
  await expect(budget).toContainText('Run the check again after');
  await screensPass(page, 'login-budget');
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

  const verdict = page.getByRole('status', { name: 'Your mail server seems to block this connection' });
  await expect(verdict).toBeVisible();
  // No EHLO echo through a dropped port: the public IP comes from the DNS fallback. The address to unblock
  // is in "Show me how" (the visible words carry no numbers an admin must copy).
  await verdict.getByText('Show me how').click();
  await expect(verdict).toContainText(info.dns.publicIp);
  await expect(verdict).toContainText('Your IT admin');
  await expect(step(page, 'Is this internet connection blocked? (IT admin)')).toContainText('Problem found');
  await expect(page.getByRole('button', { name: 'Copy the report' })).toBeVisible();
  await screensPass(page, 'ports-dropped');
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

  const verdict = page.getByRole('status', { name: "The server's certificate carries a different name" });
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText('server.hostingco.test');
  await expect(step(page, 'Mail servers reachable and secure')).toContainText('Problem found');
  await expect(step(page, 'Receiving: login with the saved password')).toContainText('Skipped');
  await screensPass(page, 'certificate-name-mismatch');
});

test('Full Disk Access missing: the window says so and offers the settings', async ({ page }) => {
  const notRoot = process.getuid?.() !== 0;
  if (notRoot && process.env.CI === 'true') throw new Error('CI must run as root: a real permission refusal needs the preview to run as nobody');
  test.skip(notRoot, 'a real permission refusal needs root to run the preview as nobody');
  const home = track(await lockedHome());
  cleanups.push(() => unlockHome(home));
  await open(page, { rig: null, home, uid: NOBODY });

  const banner = page.getByRole('status', { name: "Mail Doctor needs permission to read Mail's files" });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Full Disk Access');
  await expect(page.getByRole('navigation', { name: 'Mail accounts' })).toContainText("Mail Doctor needs permission to read Mail's files");
  await banner.getByRole('button', { name: 'Open Full Disk Access settings' }).click();
  // The preview may not open apps on the developer's machine: main answers through the bridge, and the window shows it.
  await expect(banner).toContainText('Opening links works only in the Mail Doctor app');
  await screensPass(page, 'full-disk-access');
});

test('test another account: the typed password is used once and cleared', async ({ page }) => {
  const { info } = requireRig();
  const home = track(await aliceHome(info, { imapPassword: info.users.alice.password, smtpPassword: info.users.alice.password }));
  await open(page, { rig, home });

  await page.getByRole('button', { name: 'Test another account…' }).click();
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

  await form.getByRole('button', { name: 'Check this account' }).click();
  await expect(page.getByText('The check is done.')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByRole('status', { name: 'Nothing wrong found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Mail accounts' })).toContainText(info.users.bob.address);

  // Asking to check it again opens the form with the settings, and an empty password.
  await page.getByRole('button', { name: 'Check again', exact: true }).click();
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
  await expect(step(page, 'Receiving: login with the saved password')).toContainText('No saved password could be read to test');

  await page.getByRole('button', { name: 'Test with a password I type' }).first().click();
  const form = page.getByRole('region', { name: 'Test with a password I type' });
  const field = form.getByLabel(`Your current password for ${info.users.alice.address}`);
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill(info.users.alice.password);
  await form.getByRole('button', { name: 'Test this password' }).click();

  // The same account (its settings and evidence), logged in with the typed password, once per server.
  await expect(step(page, 'Receiving: login with the saved password')).toContainText('The incoming server accepted the saved password');
  await expect(step(page, 'Sending: outgoing login and settings')).toContainText('The outgoing server accepted the saved password');
  await expect(step(page, 'Receiving: login with the saved password')).toContainText('You typed the password for the incoming server for this check');
  await expect(form).toHaveCount(0);
  const passwordRow = page.getByRole('table').getByRole('row', { name: /Saved password/ });
  await expect(passwordRow.getByRole('cell').nth(0)).toContainText('Typed for this check (the saved one could not be read)');
  await expect(page.locator('body')).not.toContainText(info.users.alice.password);
  await screensPass(page, 'typed-password');
});

test.describe("what Mail itself saw, in a time zone that is not the machine's", () => {
  // The window shows the person's own time: a zone far from the test machine's UTC proves it is not UTC.
  test.use({ timezoneId: 'America/Los_Angeles', locale: 'en-US' });

  test("passwords unreadable, Mail's log shows the incoming server refusing: the verdict names the incoming side", async ({ page }) => {
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
    const liftsShown = await shownTime(page, new Date(rejectedAt.getTime() + 24 * 3_600_000));
    // The machine runs in UTC and the window in Los Angeles: the two must differ for this test to mean anything.
    expect(refusedShown).not.toContain(`${String(refusedAt.getUTCHours() % 12 || 12)}:${String(refusedAt.getUTCMinutes()).padStart(2, '0')}`);

    // No password was read, yet the verdict names the incoming server's saved password as the stale one.
    const verdict = page.getByRole('status', { name: "Mail's incoming password is out of date" });
    await expect(verdict).toBeVisible();
    await expect(verdict).toContainText("Mail's own log shows the incoming server refusing Mail's password while the outgoing server accepted it.");
    await expect(verdict).toContainText("Type your current password for the incoming server in Mail's account settings.");
    // The times, in the person's own time zone, are in the technical details.
    await verdict.getByText('Technical details').click();
    await expect(verdict).toContainText(`Refused by ${info.goodName} at ${refusedShown}`);
    await expect(verdict).toContainText(`Accepted by ${info.goodName} at ${acceptedShown}`);
    await expect(accountButton(page)).toContainText('Problem found');

    // The "what Mail saw" panel: per server, the server's own words and when, beside what this run's login saw.
    const mailSaw = page.getByRole('region', { name: 'What Mail itself saw' });
    const incomingRow = mailSaw.getByRole('row', { name: /Incoming \(receiving\)/ });
    await expect(incomingRow.getByRole('cell').nth(0)).toContainText(`At ${refusedShown}, Mail's log shows ${info.goodName} refusing Mail's login.`);
    await expect(incomingRow.getByRole('cell').nth(0)).toContainText('NO [AUTHENTICATIONFAILED] Authentication failed.');
    await expect(incomingRow.getByRole('cell').nth(1)).toContainText('Login to the incoming server not tried: No saved password could be read to test.');
    const outgoingRow = mailSaw.getByRole('row', { name: /Outgoing \(sending\)/ });
    await expect(outgoingRow.getByRole('cell').nth(0)).toContainText(`At ${acceptedShown}, Mail's log shows ${info.goodName} accepting Mail's login.`);
    await expect(outgoingRow.getByRole('cell').nth(0)).toContainText('235 2.7.0 Authentication successful');
    await expect(outgoingRow.getByRole('cell').nth(1)).toContainText('Login to the outgoing server not tried');
    await expect(mailSaw.getByRole('list', { name: 'Also recorded by Mail and macOS' })).toContainText(
      `At ${await shownTime(page, rejectedAt)}, macOS noted a dismissed or refused password request for this account.`,
    );
    await expect(mailSaw).not.toContainText('UTC');

    // Step 5: what Mail saw (in the person's time, never the report's UTC), apart from what this run's
    // checks saw, and the suppressed prompt with when Mail will ask again.
    const incomingStep = step(page, 'Receiving: login with the saved password');
    await expect(incomingStep).toContainText('Problem found');
    const incomingMailSaw = incomingStep.getByRole('list', { name: 'What Mail itself saw' });
    await expect(incomingMailSaw).toContainText(`At ${refusedShown}, Mail's log shows ${info.goodName} refusing Mail's login.`);
    await expect(incomingMailSaw).toContainText('NO [AUTHENTICATIONFAILED] Authentication failed.');
    await expect(incomingMailSaw).not.toContainText('UTC');
    await expect(incomingStep.getByRole('list', { name: /What Mail Doctor saw/ })).toContainText(
      'Login to the incoming server not tried: No saved password could be read to test.',
    );
    await expect(incomingStep).toContainText('macOS will not ask for the password again');
    await expect(incomingStep).toContainText(`hides Mail's prompt until ${liftsShown}`);
    // Step 6: the outgoing server accepted Mail's login.
    const outgoingStep = step(page, 'Sending: outgoing login and settings');
    if ((await outgoingStep.locator('details').getAttribute('open')) === null) await outgoingStep.getByText('Sending: outgoing login and settings').click();
    const outgoingMailSaw = outgoingStep.getByRole('list', { name: 'What Mail itself saw' });
    await expect(outgoingMailSaw).toContainText(`At ${acceptedShown}, Mail's log shows ${info.goodName} accepting Mail's login.`);
    await expect(outgoingMailSaw).toContainText('235 2.7.0 Authentication successful');

    // The mismatch table says the passwords could not be read; the canary credential in Mail's log never shows.
    const passwordRow = page.getByRole('table').getByRole('row', { name: /Saved password/ });
    await expect(passwordRow.getByRole('cell').nth(0)).toContainText('Unreadable');
    await expect(page.locator('body')).not.toContainText(CANARY_PASSWORD);
    await expect(page.locator('body')).not.toContainText(CANARY_SASL_PLAIN);
    await screensPass(page, 'mail-saw');
  });
});

test("Mail's connection log is off: step 5 says how to turn it on in Connection Doctor, under another verdict", async ({ page }) => {
  const { info } = requireRig();
  // No log folder, passwords that cannot be read, and a password request macOS refused an hour ago: the
  // suppressed prompt is the verdict, and turning on Mail's log is the way to learn which password is stale.
  const rejectedAt = minutesAgo(60);
  const home = track(await aliceHome(info, { imapPassword: KEYCHAIN_REFUSES, smtpPassword: KEYCHAIN_REFUSES, credentialRejectedAt: rejectedAt }));
  await open(page, { rig, home });
  await checkMyMail(page);

  const liftsShown = await shownTime(page, new Date(rejectedAt.getTime() + 24 * 3_600_000));
  const verdict = page.getByRole('status', { name: 'macOS will not ask for the password again' });
  await expect(verdict).toBeVisible();
  await expect(verdict).toContainText(`until ${liftsShown}`);
  const incomingStep = step(page, 'Receiving: login with the saved password');
  if ((await incomingStep.locator('details').getAttribute('open')) === null) await incomingStep.getByText('Receiving: login with the saved password').click();
  await expect(incomingStep).toContainText("Mail's connection log is switched off");
  await expect(incomingStep).toContainText(
    "Next step: Turn on Log Connection Activity in Mail's Connection Doctor, let Mail check for mail, then run this check again.",
  );
  await expect(incomingStep.getByRole('list', { name: 'What Mail itself saw' })).toContainText("Mail's connection log is off.");
  // No log, so no per-server answers: the panel lists only macOS's note.
  const mailSaw = page.getByRole('region', { name: 'What Mail itself saw' });
  await expect(mailSaw.getByRole('table')).toHaveCount(0);
  await expect(mailSaw).toContainText('macOS noted a dismissed or refused password request for this account.');
  await screensPass(page, 'connection-log-off');
});

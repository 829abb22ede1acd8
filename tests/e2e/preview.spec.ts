import { expect, test } from '@playwright/test';
import { startPreview } from './support/previewServer';
import type { RunningPreview } from './support/previewServer';

let preview: RunningPreview;

test.beforeAll(async () => {
  preview = await startPreview();
});

test.afterAll(async () => {
  await preview.stop();
});

test('the preview renders the window and talks to the real services through the bridge', async ({ page }) => {
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  const apiCalls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/')) apiCalls.push(new URL(request.url()).pathname);
  });

  await page.goto(preview.pageUrl);

  await expect(page.getByRole('heading', { level: 1, name: 'Mail Doctor' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Accounts', exact: true })).toBeVisible();
  // An empty home has no Mail accounts: the window offers to test one typed by hand.
  await expect(page.getByRole('region', { name: 'Test another account' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test Another Account…' })).toBeEnabled();
  // The platform (for the ⌘R / Ctrl+R label) is only known from app:getInfo, answered by the preview server.
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.platform)).toBe(process.platform);
  expect(apiCalls).toContain('/api/app:getInfo');
  expect(apiCalls).toContain('/api/accounts:list');

  // No preload here: the page used the HTTP bridge, and took the token out of the address bar.
  expect(await page.evaluate(() => 'mailDoctor' in window)).toBe(false);
  expect(page.url()).not.toContain('token');
  expect(cspViolations).toEqual([]);
});

test('a request without the token is refused with 403', async ({ page, request }) => {
  await page.goto(preview.pageUrl);
  await expect(page.getByRole('region', { name: 'Test another account' })).toBeVisible();

  // Same origin, but no token: what a script that only knows the port could send.
  const statusFromPage = await page.evaluate(async () => {
    const response = await fetch('./api/app:getInfo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    return response.status;
  });
  expect(statusFromPage).toBe(403);

  const withoutToken = await request.post(`${preview.origin}/api/accounts:list`, {
    headers: { Origin: preview.origin },
    data: {},
  });
  expect(withoutToken.status()).toBe(403);

  const withToken = await request.post(`${preview.origin}/api/app:getInfo`, {
    headers: { Origin: preview.origin, 'x-mail-doctor-token': preview.token },
    data: {},
  });
  expect(withToken.status()).toBe(200);
  expect(await withToken.json()).toMatchObject({ ok: true, value: { name: 'Mail Doctor', isPackaged: false } });

  const fromAnotherSite = await request.post(`${preview.origin}/api/app:getInfo`, {
    headers: { Origin: 'https://evil.example', 'x-mail-doctor-token': preview.token },
    data: {},
  });
  expect(fromAnotherSite.status()).toBe(403);
});

// Signing in through an identity provider: a real OpenID provider
// (`oidc-provider`, e2e/oidc/provider.mjs) runs beside the server for this
// file. Staff sign in with their HSA-id and land in Mina planer; a stranger
// from an untrusted organisation is told why not; the person binds their
// invitation to who they are and opens Min plan on a fresh browser by
// signing in; signing out ends the session here and at the provider.
import { expect, Browser, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test, TestServer, allowConsoleErrors, allowRefusedDevice, freePort, serverForEachTest } from './server';

let provider: ChildProcess;
let issuer = '';

test.beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  provider = spawn(process.execPath, [join(__dirname, '../oidc/provider.mjs'), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    provider.stdout?.on('data', (data) => String(data).includes('ready') && resolve());
    provider.once('exit', (code) => reject(new Error(`oidc-provider exited with ${code}`)));
  });
});

test.afterAll(async () => {
  provider.kill();
});

let server: TestServer;
serverForEachTest(
  (started) => (server = started),
  () => ({
    args: [
      '--oidc-provider',
      `id=siths kind=staff label="Logga in med SITHS-kort" issuer=${issuer} client-id=samplan-e2e trusted-organisations=SE2321000016-TRUST`,
      '--oidc-provider',
      `id=bankid kind=citizen label="Logga in med BankID" issuer=${issuer} client-id=samplan-e2e`,
    ],
    // Test-only secrets of the provider above.
    env: { SAMPLAN_OIDC_SITHS_CLIENT_SECRET: 'e2e-test-only-secret', SAMPLAN_OIDC_BANKID_CLIENT_SECRET: 'e2e-test-only-secret' },
  }),
);

/** What every test here meets on the console: the app's socket refused
 * on the sign-in page (no session yet), and the provider's development
 * pages asking for a web font (no internet here) and a missing icon. */
function allowSignInPages(): void {
  allowRefusedDevice();
  allowConsoleErrors(/net::ERR_NAME_NOT_RESOLVED \(https:\/\/fonts\.googleapis\.com\//);
  allowConsoleErrors(new RegExp(`status of 404 \\(Not Found\\) \\(${issuer.replace(/\./g, '\\.')}/favicon\\.ico\\)`));
}

/** At the provider's development login: sign in as `user`, and agree to share the claims. */
async function atProvider(page: Page, user: string): Promise<void> {
  await page.locator('input[name="login"]').fill(user);
  await page.locator('input[name="password"]').fill('test');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** A fresh browser profile at the sign-in page, pressing `button`. */
async function signInPage(browser: Browser, button: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/logga-in`);
  await page.getByRole('link', { name: button }).click();
  return page;
}

test('staff sign in with SITHS and land in Mina planer; signing out ends both sessions', async ({ browser }) => {
  allowSignInPages();
  server.cli('user', 'add', '--name', 'Anna Läkare', '--org', 'Region Test', '--hsa-id', 'SE2321000016-A1');
  const page = await signInPage(browser, 'Logga in med SITHS-kort');
  await atProvider(page, 'anna');
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByText('Inloggad som Anna Läkare')).toBeVisible();

  await page.getByRole('button', { name: 'Logga ut' }).click();
  // The provider asks before it ends its own session.
  await page.getByRole('button', { name: /Yes, sign me out/ }).click();
  await expect(page).toHaveURL(`${server.url}/logga-in`);
  expect((await page.request.get(`${server.url}/api/me`)).status()).toBe(401);
  // Signed out at the provider too: it asks who you are again.
  await page.getByRole('link', { name: 'Logga in med SITHS-kort' }).click();
  await expect(page.locator('input[name="login"]')).toBeVisible();
});

test('someone from an untrusted organisation is refused in plain Swedish', async ({ browser }) => {
  allowSignInPages();
  allowConsoleErrors(/status of 403/); // the refusal page itself
  const page = await signInPage(browser, 'Logga in med SITHS-kort');
  await atProvider(page, 'okand');
  await expect(page.getByRole('heading', { name: 'Inloggningen gick inte' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(/Din organisation har inte tillgång till Samplan/);
  expect((await page.request.get(`${server.url}/api/me`)).status()).toBe(401);
});

test('the person binds the invitation to their identity, opens Min plan on a fresh browser by signing in, and signs out there', async ({ browser }) => {
  allowSignInPages();
  const chair = await server.newDevice(browser);
  await chair.goto(server.url);
  await chair.getByRole('button', { name: 'Ny plan' }).click();
  await chair.getByLabel('Planens namn').fill('Tolvans plan');
  await expect(chair.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible();
  await chair.getByLabel('Vem är inbjudan till?').fill('Tolvan (personen)');
  await chair.getByLabel('Vad får personen göra?').selectOption('person');
  await chair.getByRole('button', { name: 'Skapa inbjudan' }).click();
  const link = chair.getByLabel(/Skicka den här länken/);
  await expect(link).toHaveValue(/\/inbjudan#[0-9a-f]{64}$/);
  const invitation = await link.inputValue();

  const phone = await (await browser.newContext()).newPage();
  await phone.goto(invitation);
  await phone.getByRole('link', { name: 'Logga in med BankID' }).click();
  await atProvider(phone, 'tolvan');
  await expect(phone).toHaveURL(/\/min-plan\/[^/]+$/);
  await expect(phone.getByText('Tolvans plan')).toBeVisible();

  // A new browser, no link: signing in finds the plan.
  const tablet = await signInPage(browser, 'Logga in med BankID');
  await atProvider(tablet, 'tolvan');
  await expect(tablet).toHaveURL(phone.url());
  await expect(tablet.getByText('Tolvans plan')).toBeVisible();

  // Signing out on the tablet ends its session here and at the provider;
  // the phone stays signed in.
  await tablet.getByRole('button', { name: 'Logga ut' }).click();
  await tablet.getByRole('button', { name: /Yes, sign me out/ }).click();
  await expect(tablet).toHaveURL(`${server.url}/logga-in`);
  expect((await tablet.request.get(`${server.url}/api/me`)).status()).toBe(401);
  expect((await phone.request.get(`${server.url}/api/me`)).status()).toBe(200);
  // Signed out at the provider too: it asks who you are again.
  await tablet.getByRole('link', { name: 'Logga in med BankID' }).click();
  await expect(tablet.locator('input[name="login"]')).toBeVisible();
});

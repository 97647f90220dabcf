// "Mina planer" from the server: a coordinator on a new computer (a browser
// profile with nothing in IndexedDB) sees every plan she is a member of, by
// the person's name, searches and filters them, and opens one that this
// device has never seen; the page passes axe. Offline, her old computer
// lists the plans it holds and says that it is offline. Any console error
// or page error fails the test.
import { expect, request, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, allowNetworkLoss, serverForEachTest } from './server';
import { newPlanWithConsent } from './plan-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const axe = (page: Page) =>
  new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
    .then((r) => r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`));

/** Every console error and page error of `page`, as it comes. */
function errorsOf(page: Page, label: string, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`[${label} console] ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`[${label} page error] ${error.message}`));
}

/** A new plan made on `page` for the person `person` (consent recorded,
 * the person a participant), synced; its id. */
async function planFor(page: Page, person: string, recordedBy: string): Promise<string> {
  await newPlanWithConsent(page, server.url, `Plan för ${person}`, recordedBy);
  const form = page.locator('form.add-form');
  await form.getByLabel('Namn').fill(person);
  await form.getByLabel('Roll i planen').selectOption({ label: 'Den enskilde' });
  await form.getByRole('button', { name: 'Lägg till deltagare' }).click();
  await expect(page.locator('.participant-list .participant-name', { hasText: person })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });
  return decodeURIComponent(new URL(page.url()).pathname.split('/plan/')[1]);
}

/** `owner` invites `guest` (both signed in with these session tokens) to
 * plan `id` as an editor, through the API; `guest` joins as themselves. */
async function share(id: string, owner: string, guest: string): Promise<void> {
  const as = (token: string) =>
    request.newContext({ baseURL: server.url, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const eva = await as(owner);
  const invited = await eva.post(`/api/plans/${id}/invitations`, { data: { role: 'editor', label: 'Karin Berg' } });
  expect(invited.status()).toBe(201);
  const token = ((await invited.json()).link as string).split('#')[1];
  const karin = await as(guest);
  expect((await karin.post('/api/invitations/redeem', { data: { token } })).status()).toBe(200);
  await Promise.all([eva.dispose(), karin.dispose()]);
}

test('a coordinator on a new computer finds all her plans, searches, filters and opens one never seen here', async ({ browser }) => {
  const errors: string[] = [];
  // Two example plans made on the server: Karin's, and Eva's (not Karin's).
  server.token('Karin Berg');
  const evaToken = server.token('Eva Ek');
  const annasPath = server.cli('demo', '--owner', 'Karin Berg');
  server.cli('demo', '--owner', 'Eva Ek');

  // Karin's old computer: Bo's plan, closed.
  const old = await server.newDevice(browser, 'Karin Berg', 'old computer');
  errorsOf(old, 'old computer', errors);
  await planFor(old, 'Bo Ek', 'Karin Berg');
  await old.getByLabel('Varför avslutas planen?').selectOption({ label: 'Målen är uppnådda' });
  old.once('dialog', (dialog) => dialog.accept()); // "Vill du avsluta planen för alla?"
  await old.getByRole('button', { name: 'Avsluta planen' }).click();
  await expect(old.getByText(/Planen avslutades/)).toBeVisible();
  await expect(old.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });

  // Eva's plan for Cecilia, shared with Karin, who may change it.
  const eva = await server.newDevice(browser, 'Eva Ek', 'Eva');
  errorsOf(eva, 'Eva', errors);
  const cecilias = await planFor(eva, 'Cecilia Dahl', 'Eva Ek');
  await share(cecilias, evaToken, server.token('Karin Berg'));

  // Karin's new computer: nothing on it yet.
  const page = await server.newDevice(browser, 'Karin Berg', 'new computer');
  errorsOf(page, 'new computer', errors);
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Mina planer', level: 1 })).toBeVisible();
  const names = page.locator('.plan-card-name');
  await expect(names).toHaveText(['Anna Berg', 'Bo Ek', 'Cecilia Dahl']);
  const card = (name: string) => page.locator('.plan-card').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(card('Anna Berg')).toContainText(/Samordningsansvarig\s*Maria Lind/); // the plan's coordinator
  await expect(card('Anna Berg')).toContainText(/Status\s*Pågående/);
  await expect(card('Bo Ek')).toContainText(/Status\s*Avslutad/);
  await expect(card('Cecilia Dahl')).toContainText(/Samordningsansvarig\s*Eva Ek/); // none chosen: who coordinates it
  await expect(card('Cecilia Dahl')).toContainText(/Du i planen\s*Ändrar i planen/);
  await expect(page.getByText('Visar alla 3 planer.')).toBeVisible();

  // Search by the person's name.
  await page.getByLabel('Sök på personens namn').fill('cec');
  await expect(names).toHaveText(['Cecilia Dahl']);
  await expect(page.getByText('Visar 1 av 3 planer.')).toBeVisible();
  await page.getByLabel('Sök på personens namn').fill('');
  await expect(names).toHaveCount(3);

  // Filters, by keyboard: only where she coordinates, then open ones, then closed ones.
  await page.getByLabel('Planer som jag administrerar').focus();
  await page.keyboard.press('Space');
  await expect(names).toHaveText(['Anna Berg', 'Bo Ek']);
  await page.getByLabel('Alla planer').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByLabel('Pågående')).toBeChecked();
  await expect(names).toHaveText(['Anna Berg']);
  await page.getByLabel('Avslutade').check();
  await expect(names).toHaveText(['Bo Ek']);
  await page.getByLabel('Planer som jag administrerar').uncheck();
  await page.getByLabel('Alla planer').check();
  await expect(names).toHaveCount(3);

  expect(await axe(page)).toEqual([]);

  // The example plan, which no device has had, opens from the list.
  await page.getByRole('link', { name: 'Anna Berg', exact: true }).click();
  await expect(page).toHaveURL(server.url + annasPath);
  await expect(page.getByLabel('Planens namn')).toHaveValue('SIP för Anna Berg', { timeout: 15_000 });
  // Opening it, her app makes the plan's self-report document and links it
  // to the plan. Until it is linked the server lists it as a plan of hers
  // of its own ("Namnlös plan"; a known glitch, see issue notes), so the
  // old computer asks for its list after that.
  await expect
    .poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('samplan-rapporter-')).length), {
      timeout: 15_000,
    })
    .toBe(0);
  expect(errors).toEqual([]);

  // Offline, the old computer lists the plan it holds and says it is offline
  // (from here on the browser reports every failed request as an error).
  await old.goto(server.url);
  await expect(old.locator('.plan-card-name')).toHaveText(['Anna Berg', 'Bo Ek', 'Cecilia Dahl']);
  await old.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  allowNetworkLoss();
  await old.context().setOffline(true);
  await old.reload();
  await expect(old.getByText('Du är offline. Här visas bara planerna som finns på den här enheten.')).toBeVisible();
  await expect(old.locator('.plan-card-name')).toHaveText(['Bo Ek']);
  await expect(old.getByText('Visar 1 plan.')).toBeVisible();
  await expect(old.locator('.plan-card')).toContainText(/Status\s*Avslutad/);
});

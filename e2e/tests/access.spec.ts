// Who may see and change a plan, from the users' side: the coordinator
// invites the person and a relative from the app; the person edits, the
// relative can only read; a revoked device is shut out.
import { expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, allowRefusedDevice, serverForEachTest } from './server';

const axe = (page: Page) =>
  new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze().then((r) => r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`));

let server: TestServer;
serverForEachTest((started) => (server = started));

async function invite(chair: Page, who: string, role: 'editor' | 'person' | 'reader'): Promise<string> {
  await chair.getByLabel('Vem är inbjudan till?').fill(who);
  await chair.getByLabel('Vad får personen göra?').selectOption(role);
  await chair.getByRole('button', { name: 'Skapa inbjudan' }).click();
  const link = chair.getByLabel(/Skicka den här länken/);
  await expect(link).toHaveValue(/\/inbjudan#[0-9a-f]{64}$/);
  return link.inputValue();
}

/** A new device that opens `link` and presses "Öppna planen". */
async function openInvitation(browser: Browser, link: string): Promise<Page> {
  const context = await browser.newContext(); // not signed in: a new device
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(link);
  // Nothing is redeemed until the invitation is accepted.
  await page.getByRole('button', { name: 'Öppna planen' }).click();
  return page;
}

/** The coordinator's device with a new plan named `title`, synced. */
async function newPlan(browser: Browser, title: string): Promise<Page> {
  const chair = await server.newDevice(browser);
  await chair.goto(server.url);
  await chair.getByRole('button', { name: 'Ny plan' }).click();
  await chair.getByLabel('Planens namn').fill(title);
  await expect(chair.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible();
  return chair;
}

test('the coordinator invites the person and a relative; the relative can read but not edit', async ({ browser }) => {
  allowRefusedDevice(); // a used link (410); the relative, removed, is refused
  const chair = await newPlan(browser, 'Annas plan');

  const personLink = await invite(chair, 'Anna (personen)', 'person');
  const relativeLink = await invite(chair, 'Bo (pappa)', 'reader');

  const person = await openInvitation(browser, personLink);
  // The person lands in their own view, and can open the whole plan from there.
  await expect(person).toHaveURL(/\/min-plan\//);
  expect(person.url()).not.toContain('#'); // the one-time code is gone from the address
  await expect(person.getByText('Annas plan')).toBeVisible();
  await person.getByRole('link', { name: 'Hela planen' }).click();
  await expect(person.getByRole('heading', { name: 'Annas plan' })).toBeVisible();
  await person.getByLabel('Mitt huvudmål').fill('Jag vill handla själv.');
  await expect(chair.getByLabel('Mitt huvudmål')).toHaveValue('Jag vill handla själv.');

  const relative = await openInvitation(browser, relativeLink);
  await expect(relative.getByRole('heading', { name: 'Annas plan' })).toBeVisible();
  await expect(relative.getByText('Du kan läsa planen men inte ändra den.')).toBeVisible();
  await expect(relative.getByLabel('Mitt huvudmål')).toBeDisabled();
  await expect(relative.getByLabel('Mitt huvudmål')).toHaveValue('Jag vill handla själv.');
  // The relative still sees what others write, live.
  await chair.getByLabel('Mitt huvudmål').fill('Jag vill handla själv på fredagar.');
  await expect(relative.getByLabel('Mitt huvudmål')).toHaveValue('Jag vill handla själv på fredagar.');
  // Only the coordinator sees the sharing controls.
  await expect(relative.getByRole('heading', { name: 'Dela planen' })).toHaveCount(0);
  await expect(person.getByRole('heading', { name: 'Dela planen' })).toHaveCount(0);

  // A used single-use link does not work again.
  const again = await openInvitation(browser, relativeLink);
  await expect(again.getByRole('alert')).toContainText('Länken gäller inte längre');

  // The coordinator removes the relative; the relative's device no longer gets the plan.
  await chair.getByRole('button', { name: 'Uppdatera listorna' }).click();
  await chair.getByRole('button', { name: 'Ta bort Bo (pappa) från planen' }).click();
  await expect(chair.getByText(/Bo \(pappa\)/).filter({ hasText: 'inloggade enheter' })).toHaveCount(0);
  await relative.reload();
  await expect(relative.getByText('Du har inte tillgång till den här planen längre', { exact: false }).first()).toBeVisible({ timeout: 15_000 });
  await expect(relative.getByLabel('Mitt huvudmål')).toHaveCount(0);
});

test('a page that is not signed in is told so and cannot make plans', async ({ page }) => {
  allowRefusedDevice(); // not signed in: 401
  await page.goto(server.url);
  await expect(page.getByText('Du är inte inloggad.', { exact: false })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ny plan' })).toHaveCount(0);
  expect(await axe(page)).toEqual([]);
});

test('a sign-in link signs a professional in once', async ({ browser }) => {
  allowRefusedDevice(); // not signed in yet (401), a used link (410)
  const link = server.cli('user', 'add', '--name', 'Kim Karlsson', '--org', 'Region Exempel');
  expect(link).toMatch(/\/logga-in#[0-9a-f]{64}$/);
  const page = await (await browser.newContext()).newPage();
  await page.goto(link.replace(/^http:\/\/[^/]+/, server.url));
  await expect(page.getByText('Du är inloggad som Kim Karlsson.')).toBeVisible();
  expect(await axe(page)).toEqual([]);
  await page.getByRole('link', { name: 'Till Mina planer' }).click();
  await expect(page.getByRole('button', { name: 'Ny plan' })).toBeVisible();
  const other = await (await browser.newContext()).newPage();
  await other.goto(link.replace(/^http:\/\/[^/]+/, server.url));
  await expect(other.getByRole('alert')).toContainText('Länken gäller inte längre');
  expect(await axe(other)).toEqual([]);
});

/** The members of the plan open at `chair`, as the server lists them. */
async function members(chair: Page): Promise<{ name: string; role: string }[]> {
  const planId = decodeURIComponent(new URL(chair.url()).pathname.split('/').pop() ?? '');
  const answer = await fetch(`${server.url}/api/plans/${planId}/members`, {
    headers: { Authorization: `Bearer ${server.token()}` },
  });
  expect(answer.status).toBe(200);
  return answer.json();
}

test('an invitation page that is only loaded (a mail scanner) leaves the link unused and makes no member', async ({ browser }) => {
  const chair = await newPlan(browser, 'Plan med inbjudan');
  const link = await invite(chair, 'Eva (kommunen)', 'editor'); // once only
  // A scanner loads the link and runs its scripts, but never clicks.
  const scanner = await (await browser.newContext()).newPage();
  await scanner.goto(link);
  await expect(scanner.getByRole('button', { name: 'Öppna planen' })).toBeVisible();
  await expect(scanner.locator('#first-view')).toHaveCount(0); // the app has taken over the page
  await scanner.waitForTimeout(1_000);
  await expect(scanner).toHaveURL(/\/inbjudan/);
  expect(await axe(scanner)).toEqual([]);
  expect((await members(chair)).map((m) => m.role)).toEqual(['coordinator']);

  // The link still works, once, for the one it was meant for.
  const eva = await openInvitation(browser, link);
  await expect(eva.getByLabel('Planens namn')).toHaveValue('Plan med inbjudan');
  expect((await members(chair)).map((m) => m.role)).toEqual(['coordinator', 'editor']);
  await scanner.close();
});

test('a sign-in link in a browser signed in as someone else asks first', async ({ browser }) => {
  const link = server.cli('user', 'add', '--name', 'Kim Karlsson', '--org', 'Region Exempel').replace(/^http:\/\/[^/]+/, server.url);
  const context = await server.signedInContext(browser, 'Testare');
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByText('Du är inloggad som Testare. Vill du logga in som Kim Karlsson i stället?')).toBeVisible();
  expect(await axe(page)).toEqual([]);
  await page.getByRole('button', { name: 'Nej, fortsätt som Testare' }).click();
  await expect(page.getByText('Du är fortfarande inloggad som Testare.', { exact: false })).toBeVisible();
  const who = () => page.evaluate(() => fetch('/api/me').then((r) => r.json()).then((me) => me.name));
  expect(await who()).toBe('Testare');

  // The link was not used: opened again, and this time yes.
  const again = await context.newPage();
  await again.goto(link);
  await again.getByRole('button', { name: 'Ja, logga in som Kim Karlsson' }).click();
  await expect(again.getByText('Du är inloggad som Kim Karlsson.')).toBeVisible();
  expect(await who()).toBe('Kim Karlsson');
});

test('the coordinator deletes a plan; another device that had it cannot bring it back', async ({ browser }) => {
  allowRefusedDevice(); // the deleted plan is refused (404), its invited devices' sessions end (401)
  const chair = await newPlan(browser, 'Plan som ska bort');
  const planUrl = chair.url();
  const editorLink = await invite(chair, 'Eva (kommunen)', 'editor');
  const editor = await openInvitation(browser, editorLink);
  await expect(editor.getByLabel('Planens namn')).toHaveValue('Plan som ska bort');

  chair.once('dialog', (dialog) => dialog.accept());
  await chair.getByRole('button', { name: 'Ta bort planen för alla' }).click();
  await expect(chair.getByRole('heading', { name: 'Mina planer' })).toBeVisible();
  await expect(chair.getByRole('link', { name: 'Plan som ska bort' })).toHaveCount(0);

  // The editor's device still has its copy; the server does not take it back.
  await editor.goto(planUrl);
  await expect(editor.getByText('Du har inte tillgång till den här planen längre', { exact: false }).first()).toBeVisible({ timeout: 15_000 });
  const fresh = await server.newDevice(browser);
  await fresh.goto(planUrl);
  await expect(fresh.getByText('Planen finns inte på servern än', { exact: false })).toBeVisible();
});

test('the history names who changed the plan and shows the plan as it was', async ({ browser }) => {
  const chair = await newPlan(browser, 'Historisk plan');
  const person = await openInvitation(browser, await invite(chair, 'Anna (personen)', 'person'));
  await person.getByRole('link', { name: 'Hela planen' }).click();
  await person.getByLabel('Mitt huvudmål').fill('Jag vill laga mat.');
  await expect(chair.getByLabel('Mitt huvudmål')).toHaveValue('Jag vill laga mat.');

  await chair.getByText('Historik – vem ändrade vad och när').click();
  const entries = chair.locator('.history-entry');
  await expect(entries.filter({ hasText: 'Anna (personen)' }).first()).toBeVisible();
  await expect(entries.filter({ hasText: 'Testare' }).first()).toBeVisible();
  await expect(entries.first()).toContainText(/\d{4}-\d{2}-\d{2}/); // a real date, not "okänd tid"
  // The oldest stretch: before Anna wrote her goal.
  await entries.filter({ hasText: 'Testare' }).last().getByRole('button', { name: /Visa planen som den var efter/ }).click();
  const then = chair.locator('.plan-then pre');
  await expect(then).toContainText('Samordnad individuell plan');
  await expect(then).not.toContainText('Jag vill laga mat.');
});

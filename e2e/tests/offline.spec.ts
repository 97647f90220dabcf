// The truth about where changes are: when the server stops answering (a
// cut network: the server is frozen, its sockets stay open), the editor
// and Min plan say "Offline" within 5 seconds; Min plan never says
// "Synkat med servern" for an answer the server does not have; when the
// server answers again, everything syncs and they say so.
import { expect, Browser, Page } from '@playwright/test';
import { test, TestServer, serverForEachTest } from './server';

let server: TestServer;
serverForEachTest((started) => (server = started));

/** The example plan open in the editor (its coordinator) and in the person's Min plan. */
async function planWithPerson(browser: Browser): Promise<{ chair: Page; person: Page }> {
  server.token('Testare');
  const path = server.cli('demo', '--owner', 'Testare');
  const chair = await server.newDevice(browser, 'Testare', 'chair page');
  await chair.goto(server.url + path);
  await expect(chair.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
  await chair.getByLabel('Vem är inbjudan till?').fill('Anna');
  await chair.getByLabel('Vad får personen göra?').selectOption('person');
  await chair.getByRole('button', { name: 'Skapa inbjudan' }).click();
  const link = chair.getByLabel(/Skicka den här länken/);
  await expect(link).toHaveValue(/\/inbjudan#[0-9a-f]{64}$/);
  const person = await (await browser.newContext()).newPage();
  await person.goto(await link.inputValue());
  await person.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(person).toHaveURL(/\/min-plan\//);
  await expect(person.locator('article.goal-card').first()).toBeVisible();
  return { chair, person };
}

test('"Offline" within 5 s of the server going quiet, in the editor and in Min plan; synced again after', async ({ browser }) => {
  const { chair, person } = await planWithPerson(browser);
  for (const page of [chair, person]) {
    await expect(page.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
  }

  server.pause();
  const cut = Date.now();
  const left = () => Math.max(1, 5_000 - (Date.now() - cut));
  await expect(chair.getByTestId('save-status')).toContainText('Offline', { timeout: left() });
  await expect(person.getByTestId('save-status')).toContainText('Offline', { timeout: left() });

  // An answer and an edit made now are only on the devices, and say so.
  const goal = person.locator('article.goal-card').first();
  await goal.getByRole('radio', { name: 'Lite bättre', exact: true }).check();
  await goal.getByLabel('Vill du skriva något?').fill('Utan nät i dag.');
  await goal.getByRole('button', { name: 'Spara mitt svar' }).click();
  await expect(goal.getByText('Tack! Ditt svar är sparat.')).toBeVisible();
  await chair.getByLabel('Planens namn').fill('SIP för Anna Berg, ändrad utan nät');
  for (let i = 0; i < 6; i++) {
    for (const page of [chair, person]) {
      await expect(page.getByTestId('save-status')).not.toHaveText('Synkat med servern', { timeout: 100 });
    }
    await person.waitForTimeout(500);
  }

  // The server answers again: both sync, and the chair sees the answer.
  server.resume();
  for (const page of [chair, person]) {
    await expect(page.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
  }
  await expect(chair.locator('.goal-self-reports').first().getByRole('img'))
    .toHaveAttribute('aria-label', /1 svar\. .*Lite bättre\./, { timeout: 15_000 });
  await person.reload();
  await expect(person.locator('.plan-name')).toHaveText('SIP för Anna Berg, ändrad utan nät', { timeout: 15_000 });
});

test('Min plan says "Synkat med servern" only once the server has the answer', async ({ browser }) => {
  const { person } = await planWithPerson(browser);
  await expect(person.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
  // The server freezes just as the answer is made: the plan is still
  // synced, the answer is not.
  server.pause();
  const goal = person.locator('article.goal-card').first();
  await goal.getByRole('radio', { name: 'Mycket bättre', exact: true }).check();
  await goal.getByRole('button', { name: 'Spara mitt svar' }).click();
  await expect(goal.getByText('Tack! Ditt svar är sparat.')).toBeVisible();
  await expect(person.getByTestId('save-status')).not.toHaveText('Synkat med servern', { timeout: 500 });
  await person.waitForTimeout(1_000);
  await expect(person.getByTestId('save-status')).not.toHaveText('Synkat med servern', { timeout: 100 });
  server.resume();
  await expect(person.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
});

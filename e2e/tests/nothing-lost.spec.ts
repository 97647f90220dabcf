// Nothing lost by one click: a removal offers "Ångra" and the item comes
// back for everyone; withdrawing consent asks first, closes the plan, and
// consent given again opens it again.
import { expect, Browser, Page } from '@playwright/test';
import { test, TestServer, serverForEachTest } from './server';
import { newPlanWithConsent } from './plan-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

/** The chair on a new plan with the person's consent, and a second device on it. */
async function consentedPlan(browser: Browser): Promise<{ chair: Page; other: Page }> {
  const chair = await server.newDevice(browser, 'Karin Berg', 'chair page');
  await newPlanWithConsent(chair, server.url, 'Annas plan', 'Karin Berg');
  const other = await server.newDevice(browser, 'Karin Berg', 'other page');
  await other.goto(chair.url());
  await expect(other.getByLabel('Planens namn')).toHaveValue('Annas plan');
  return { chair, other };
}

test('a removed goal, sub-goal, intervention and participant come back with "Ångra", for everyone', async ({ browser }) => {
  const { chair, other } = await consentedPlan(browser);
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill('Laga mat varje dag');
  await chair.getByRole('button', { name: 'Lägg till delmål till mål 1' }).click();
  await chair.getByLabel('Delmål 1.1', { exact: true }).fill('Laga frukost själv');
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 2', { exact: true }).fill('Gå ut varje vecka');
  await expect(other.getByLabel('Mål 2', { exact: true })).toHaveValue('Gå ut varje vecka');

  // The first goal goes; "Ångra" brings it back at its place, with its sub-goal.
  await chair.getByRole('button', { name: 'Ta bort mål 1' }).click();
  await expect(other.getByLabel('Mål 1', { exact: true })).toHaveValue('Gå ut varje vecka');
  const toast = chair.getByRole('region', { name: 'Mål och delmål' }).locator('.undo-toast');
  await expect(toast).toContainText('Mål 1 togs bort.');
  await toast.getByRole('button', { name: 'Ångra' }).click();
  await expect(toast).not.toContainText('togs bort');
  for (const page of [chair, other]) {
    await expect(page.getByLabel('Mål 1', { exact: true })).toHaveValue('Laga mat varje dag');
    await expect(page.getByLabel('Delmål 1.1', { exact: true })).toHaveValue('Laga frukost själv');
    await expect(page.getByLabel('Mål 2', { exact: true })).toHaveValue('Gå ut varje vecka');
  }

  // A sub-goal, the same way.
  await chair.getByRole('button', { name: 'Ta bort delmål 1.1' }).click();
  await expect(other.getByLabel('Delmål 1.1', { exact: true })).toHaveCount(0);
  await toast.getByRole('button', { name: 'Ångra' }).click();
  await expect(other.getByLabel('Delmål 1.1', { exact: true })).toHaveValue('Laga frukost själv');

  // An intervention.
  await chair.getByRole('button', { name: 'Lägg till insats' }).click();
  await chair.getByLabel('Insats 1: vad görs').fill('Hemtjänst varje morgon');
  await chair.getByRole('button', { name: 'Ta bort insats 1' }).click();
  await expect(other.getByLabel('Insats 1: vad görs')).toHaveCount(0);
  await chair.getByRole('region', { name: 'Insatser' }).locator('.undo-toast', { hasText: 'Insats 1 togs bort.' }).getByRole('button', { name: 'Ångra' }).click();
  await expect(other.getByLabel('Insats 1: vad görs')).toHaveValue('Hemtjänst varje morgon');

  // A participant.
  const form = chair.locator('form.add-form');
  await form.getByLabel('Namn').fill('Bo Ek');
  await form.getByRole('button', { name: 'Lägg till deltagare' }).click();
  await expect(other.locator('.participant-list .participant-name')).toHaveText(['Karin Berg', 'Bo Ek']);
  await chair.getByRole('button', { name: 'Ta bort Bo Ek' }).click();
  await expect(other.locator('.participant-list .participant-name')).toHaveText(['Karin Berg']);
  await chair.getByRole('region', { name: 'Deltagare' }).locator('.undo-toast', { hasText: 'Bo Ek togs bort.' }).getByRole('button', { name: 'Ångra' }).click();
  await expect(other.locator('.participant-list .participant-name')).toHaveText(['Karin Berg', 'Bo Ek']);

  // Not taken back in time: the offer goes after some seconds.
  await chair.getByRole('button', { name: 'Ta bort mål 2' }).click();
  await expect(toast).toContainText('Mål 2 togs bort.');
  await expect(toast).not.toContainText('togs bort', { timeout: 15_000 });
  await expect(other.getByLabel('Mål 2', { exact: true })).toHaveCount(0);
});

test('withdrawing consent asks first and closes the plan; consent given again opens it again', async ({ browser }) => {
  const { chair, other } = await consentedPlan(browser);
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill('Laga mat varje dag');

  // Said no to the question: nothing happens.
  let asked = '';
  chair.once('dialog', (dialog) => {
    asked = dialog.message();
    return dialog.dismiss();
  });
  await chair.getByRole('button', { name: 'Samtycket tas tillbaka' }).click();
  expect(asked).toContain('samtycke');
  await expect(chair.getByText('Personen har samtyckt till att planen görs')).toBeVisible();
  await expect(chair.locator('.consent-log li')).toHaveCount(1);

  // Said yes: withdrawn, and the plan is closed for everyone.
  chair.once('dialog', (dialog) => dialog.accept());
  await chair.getByRole('button', { name: 'Samtycket tas tillbaka' }).click();
  for (const page of [chair, other]) {
    await expect(page.getByText('Personen har tagit tillbaka sitt samtycke. Planen är avslutad.')).toBeVisible();
    await expect(page.getByLabel('Mål 1', { exact: true })).toHaveCount(0);
  }

  // Consent given again: the plan is open again, with what it had.
  await chair.getByRole('button', { name: 'Personen samtycker', exact: true }).click();
  for (const page of [chair, other]) {
    await expect(page.getByText('Personen har samtyckt igen. Planen är öppnad igen')).toBeVisible();
    await expect(page.getByLabel('Mål 1', { exact: true })).toHaveValue('Laga mat varje dag');
    await expect(page.getByText(/Planen avslutades/)).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Avsluta planen' })).toBeVisible();
  }
  await expect(chair.locator('.consent-log li')).toHaveCount(3);
  await expect(chair.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });

  // And it stays so after a reload (the server kept the consent and the reopening).
  await other.reload();
  await expect(other.getByLabel('Mål 1', { exact: true })).toHaveValue('Laga mat varje dag');
  await expect(other.getByText(/Planen avslutades/)).toHaveCount(0);
});

// What the seeds ask of consent and of the person's part (issue 27, item
// 5): a child's plan waits for both guardians' consent; the consent says
// with whom the plan may be shared and what not, on the screen, in the
// paper plan's text and in the checklist when someone is outside it; after
// a meeting the person answers three questions about taking part, and the
// coordinator sees the answers meeting by meeting.
import { readFileSync } from 'node:fs';
import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, serverForEachTest } from './server';
import { joinAsMe } from './plan-steps';
import { planWithPerson } from './person-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };

async function axeViolations(page: Page, include?: string) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) builder = builder.include(include);
  return (await builder.analyze()).violations;
}

/** LIX (Björnsson): words per sentence + per cent long words (over six letters). */
function lix(text: string): number {
  const sentences = text.split(/[.!?:]+/).map((s) => s.match(/\p{L}+/gu) ?? []).filter((w) => w.length > 0);
  const words = sentences.flat();
  return words.length / sentences.length + (100 * words.filter((w) => w.length > 6).length) / words.length;
}

test("a child's plan opens when both guardians have consented, and says with whom it may be shared", async ({ browser }) => {
  const chair = await server.newDevice(browser);
  await chair.goto(server.url);
  await chair.getByRole('button', { name: 'Ny plan' }).click();
  await chair.getByLabel('Planens namn').fill('Elias plan');
  await joinAsMe(chair, 'Testare', { organisation: 'Kommun', role: 'Socialsekreterare' });

  const form = chair.locator('fieldset.consent-form');
  await form.getByLabel('Planen gäller ett barn eller en ungdom. Då samtycker vårdnadshavarna.').check();
  // The usual consent covers everyone who takes part; this one names them.
  await expect(form.getByLabel('Alla som är med i planen')).toBeChecked();
  await form.getByLabel('Bara de som är ikryssade här').check();
  await expect(form.locator('fieldset.consent-sharing').getByLabel('Testare')).toBeChecked();
  for (const name of ['Sara Lind', 'Jonas Lind']) {
    await form.getByLabel('Lägg till en vårdnadshavare (namn)').fill(name);
    await form.getByRole('button', { name: 'Lägg till vårdnadshavare' }).click();
    await expect(form.locator('fieldset.consent-sharing').getByLabel(name)).toBeChecked();
  }
  expect(await axeViolations(chair, 'section[aria-labelledby="consent-heading"]')).toEqual([]);

  // The first guardian says yes, written, and that the school may not hear about the debts.
  await form.getByLabel('Vem bestämmer?').selectOption({ label: 'Vårdnadshavare: Sara Lind' });
  await form.getByLabel('Skriftligt').check();
  await form.getByLabel('Det här får inte delas eller tas upp (om personen har sagt något)').fill('Familjens skulder tas inte upp med skolan.');
  await form.getByRole('button', { name: 'Vårdnadshavaren samtycker', exact: true }).click();
  await expect(chair.locator('.consent-awaited')).toHaveText(
    'Samtycke saknas från vårdnadshavare: Jonas Lind. Planen görs när alla vårdnadshavare har samtyckt.',
  );
  await expect(chair.getByText('Resten av planen öppnas när personen har samtyckt.')).toBeVisible();
  await expect(chair.locator('.checklist')).toContainText('Samtycke saknas från vårdnadshavare: Jonas Lind.');

  // The second guardian too: the plan opens, and says what the consent covers.
  await form.getByLabel('Vem bestämmer?').selectOption({ label: 'Vårdnadshavare: Jonas Lind' });
  await form.getByLabel('Det här får inte delas eller tas upp (om personen har sagt något)').fill('Familjens skulder tas inte upp med skolan.');
  await form.getByRole('button', { name: 'Vårdnadshavaren samtycker', exact: true }).click();
  await expect(chair.getByText('Personen har samtyckt till att planen görs')).toBeVisible();
  await expect(chair.locator('.consent-awaited')).toHaveCount(0);
  await expect(chair.locator('.consent-log li')).toHaveText([
    /Samtycke lämnat \(skriftligt, vårdnadshavare Sara Lind\), antecknat av Testare/,
    /Samtycke lämnat \(skriftligt, vårdnadshavare Jonas Lind\), antecknat av Testare/,
  ]);
  const extent = chair.locator('dl.consent-extent');
  await expect(extent).toContainText('Planen får delas med');
  await expect(extent).toContainText('Testare, Sara Lind, Jonas Lind');
  await expect(extent).toContainText('Familjens skulder tas inte upp med skolan.');
  // The guardians are participants of the plan, as guardians.
  await expect(chair.locator('.participant', { hasText: 'Jonas Lind' })).toContainText('Vårdnadshavare');

  // Someone added after the consent is outside it, and the checklist says so.
  const add = chair.locator('form.add-form');
  await add.getByLabel('Namn').fill('Lena Ek');
  await add.getByLabel('Roll i planen').selectOption({ label: 'Personal' });
  await add.getByLabel('Organisation').selectOption({ label: 'Skola' });
  await add.getByRole('button', { name: 'Lägg till deltagare' }).click();
  await expect(chair.locator('.checklist')).toContainText('Samtycket gäller inte Lena Ek.');

  // The plan's text export names who decided and what the consent covers.
  const [download] = await Promise.all([
    chair.waitForEvent('download'),
    chair.getByRole('link', { name: 'Ladda ner planen som text' }).click(),
  ]);
  const text = readFileSync(await download.path(), 'utf8');
  expect(text).toContain('Samtycke lämnat (skriftligt, vårdnadshavare Jonas Lind)');
  expect(text).toContain('Får delas med: Testare, Sara Lind, Jonas Lind');
  expect(text).toContain('Får inte delas eller tas upp: Familjens skulder tas inte upp med skolan.');
});

test('after a meeting the person answers how it was for them, and the coordinator sees it meeting by meeting', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  // The example plan's meeting in October is over: Min plan asks about it.
  const card = person.locator('section.taking-part');
  await expect(card.getByRole('heading', { name: 'Hur var mötet för dig?' })).toBeVisible({ timeout: 15_000 });
  await expect(card).toContainText(/Mötet om din plan var \S+ \d+ oktober 2026\./);
  expect(lix(await card.innerText())).toBeLessThanOrEqual(40);
  expect(await axeViolations(person, 'section.taking-part')).toEqual([]);

  // Sending with a question unanswered says what is missing.
  await card.getByRole('group', { name: 'Fick du säga det som var viktigt för dig?' }).getByLabel('Ja').check();
  await card.getByRole('button', { name: 'Skicka mina svar' }).click();
  await expect(card.getByRole('alert')).toHaveText('Svara på alla tre frågorna först.');
  await card.getByRole('group', { name: 'Lyssnade de andra på dig?' }).getByLabel('Delvis').check();
  await card.getByRole('group', { name: 'Vet du vad som händer nu och vem som gör vad?' }).getByLabel('Nej').check();
  // Large enough for a finger.
  const box = await card.getByText('Delvis').first().boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  await card.getByLabel('Vill du säga något mer om mötet? Du måste inte skriva något.').fill('Det gick för fort.');
  await card.getByRole('button', { name: 'Skicka mina svar' }).click();
  await expect(card.getByRole('heading', { name: 'Tack för dina svar' })).toBeVisible();

  // The coordinator sees the answers under the meeting.
  const table = chair.locator('table.taking-part-table');
  await expect(table.locator('tbody tr')).toHaveCount(1, { timeout: 15_000 });
  await expect(table.locator('tbody tr')).toContainText(['SIP-möte']);
  await expect(table.locator('tbody tr td')).toHaveText(['Ja', 'Delvis', 'Nej', /Det gick för fort\. \(svarat av Anna\)/]);

  // The evaluation of the plan is a date of its own, apart from the follow-up (seed 000).
  await chair.getByLabel('Utvärdering av planen').fill('2027-06-01');
  await expect(person.locator('.evaluation-line')).toHaveText('Ni ska se om planen har hjälpt dig tisdag 1 juni 2027.', { timeout: 15_000 });

  // Answered: after a reload the card does not ask again.
  await expect(person.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });
  await person.reload();
  await expect(person.getByRole('heading', { name: 'Min plan', level: 1 })).toBeVisible();
  await expect(person.locator('section.next-meeting')).toBeVisible();
  await expect(person.getByRole('heading', { name: 'Hur var mötet för dig?' })).toHaveCount(0);
});

// Every read in the log (issue 28): a relative reads the plan and the
// person sees it in Min plan, in plain words; the coordinator sees the same
// list; the account that reviews logs filters, samples and downloads CSV,
// and anyone else is refused.
import { readFileSync } from 'node:fs';
import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { allowConsoleErrors, restartOffline, test, TestServer, serverForEachTest } from './server';
import { invite, planWithPerson } from './person-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };

/** LIX (Björnsson): words per sentence + per cent long words (over six letters). */
function lix(text: string): number {
  const sentences = text.split(/[.!?:]+/).map((s) => s.match(/\p{L}+/gu) ?? []).filter((w) => w.length > 0);
  const words = sentences.flat();
  return words.length / sentences.length + (100 * words.filter((w) => w.length > 6).length) / words.length;
}

/** The time now in Sweden, as the list says it ("14:02"), and a minute before. */
function nowInSweden(): string[] {
  const at = (ms: number) =>
    new Date(ms).toLocaleTimeString('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' });
  return [at(Date.now()), at(Date.now() - 60_000)];
}

/** "Vem har sett min plan", opened again until `line` is there (the list is read when the part opens). */
async function seenList(person: Page, line: RegExp) {
  const list = person.locator('ul.seen-list');
  await expect(async () => {
    await person.getByRole('button', { name: 'Mina mål', exact: true }).click();
    await person.getByRole('button', { name: 'Vem har sett min plan', exact: true }).click();
    await expect(list).toContainText(line, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  return list;
}

test('a relative reads the plan and the person sees who looked, and when', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  const link = await invite(chair, 'Olle Svensson', 'reader');
  const relative = await (await browser.newContext()).newPage();
  await relative.goto(link);
  await relative.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(relative).toHaveURL(/\/plan\//);
  await expect(relative.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });

  const list = await seenList(person, /Olle Svensson, läste planen, idag \d\d:\d\d/);
  const said = (await list.innerText())
    .split('\n')
    .find((l) => l.startsWith('Olle Svensson, läste planen'))
    ?.replace(/ \(\d+ gånger\)$/, '');
  expect(nowInSweden().map((time) => `Olle Svensson, läste planen, idag ${time}`)).toContain(said);
  // The coordinator's reads and changes are there too, with the organisation.
  await expect(list).toContainText(/Testare \(Testkommunen\), (läste|ändrade) planen, idag/);
  const part = person.locator('section.part');
  expect(lix(await part.innerText())).toBeLessThanOrEqual(40);
  expect((await new AxeBuilder({ page: person }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations).toEqual([]);

  // The coordinator sees the same list beside who is in the plan.
  await chair.getByRole('button', { name: 'Visa vem som har sett planen' }).click();
  await expect(chair.locator('ul.seen-list')).toContainText(/Olle Svensson, läste planen, idag/);
});

test('the log reviewer filters, samples and downloads CSV; a coordinator is refused', async ({ browser }) => {
  const { chair } = await planWithPerson(server, browser, TABLET);
  // A coordinator is not a log reviewer: the browser reports the server's refusal.
  allowConsoleErrors(/status of 403/);
  await chair.goto(`${server.url}/loggkontroll`);
  await chair.getByRole('button', { name: 'Visa' }).click();
  await expect(chair.getByRole('alert')).toBeVisible();
  await expect(chair.locator('table.log-table')).toHaveCount(0);

  server.token('Greta Granskare');
  server.cli('user', 'grant-review', 'Greta Granskare');
  const reviewer = await server.newDevice(browser, 'Greta Granskare', 'reviewer');
  await reviewer.goto(`${server.url}/loggkontroll`);
  await expect(reviewer.getByRole('heading', { name: 'Loggkontroll' })).toBeVisible();
  await reviewer.getByLabel('Konto (namn)').fill('Testare');
  await reviewer.getByRole('button', { name: 'Visa' }).click();
  const rows = reviewer.locator('table.log-table tbody tr');
  await expect(rows.first()).toBeVisible();
  // Every line is the account asked for: the coordinator's reads and changes of the plan, and the refusal.
  for (const name of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(name).toContain('Testare');
  await expect(reviewer.locator('table.log-table')).toContainText('read.sync');
  await expect(reviewer.locator('table.log-table')).toContainText('refused.api');

  // A random sample of two for the regular check.
  await reviewer.getByLabel('Konto (namn)').fill('');
  await reviewer.getByLabel('Slumpat urval (antal rader, tomt för alla)').fill('2');
  await reviewer.getByRole('button', { name: 'Visa' }).click();
  await expect(reviewer.getByRole('status')).toHaveText('2 rader.');
  await expect(rows).toHaveCount(2);

  // The same as CSV.
  await reviewer.getByLabel('Slumpat urval (antal rader, tomt för alla)').fill('');
  await reviewer.getByLabel('Konto (namn)').fill('Testare');
  const [download] = await Promise.all([
    reviewer.waitForEvent('download'),
    reviewer.getByRole('link', { name: 'Ladda ner som CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  expect(header).toContain('händelse');
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((line) => line.includes('Testare'))).toBe(true);
  expect((await new AxeBuilder({ page: reviewer }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations).toEqual([]);
});

test('a read on the tablet without the network is told to the server when it is back, and marked so', async ({ browser }) => {
  const { person } = await planWithPerson(server, browser, TABLET);
  await expect(person.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });
  await restartOffline(person);
  await expect(person.getByRole('heading', { name: 'Min plan', level: 1 })).toBeVisible();
  await expect(person.locator('h3').first()).toBeVisible();
  await person.context().setOffline(false);
  await expect(person.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 30_000 });
  await seenList(person, /Du, läste planen utan nätverk, idag \d\d:\d\d/);
});

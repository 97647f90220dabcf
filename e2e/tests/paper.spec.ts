// The plan on paper: "Skriv ut planen" (and the browser's own Ctrl+P)
// prints a document, not the editor's form. Printed to PDF by Chromium and
// read back with Debian's pdftotext (poppler-utils).
import { expect, Browser, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test, TestServer, serverForEachTest } from './server';

let server: TestServer;
serverForEachTest((started) => (server = started));

const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober',
  'november', 'december'];

/** Today on the device as the paper writes it: "6 december 2026". */
async function today(page: Page): Promise<string> {
  const [y, m, d] = await page.evaluate(() => {
    const now = new Date();
    return [now.getFullYear(), now.getMonth(), now.getDate()];
  });
  return `${d} ${MONTHS[m]} ${y}`;
}

/** Opens the plan the server's `demo` command stores (`--large` for the
 * benchmark plan) on a new device, once the plan on paper can be printed. */
async function openDemo(browser: Browser, large: boolean): Promise<Page> {
  const page = await server.newDevice(browser);
  const path = server.cli('demo', ...(large ? ['--large'] : []), '--owner', 'Testare');
  await page.goto(server.url + path);
  await expect(page.getByRole('button', { name: 'Skriv ut planen' })).toBeVisible({ timeout: 60_000 });
  // The paper's chunk has arrived when a print draws it.
  await expect(async () => {
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await expect(page.locator('.paper-plan')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await expect(page.locator('.paper-plan')).toHaveCount(0);
  return page;
}

/** The plan as the server has it (its JSON export), to know what the paper must hold. */
async function exported(page: Page): Promise<any> {
  await expect(page.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 120_000 });
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  const response = await page.request.get(`${server.url}/api/plans/${id}/export.json`);
  expect(response.ok()).toBe(true);
  return (await response.json()).plan;
}

/** Prints the page to PDF as Chromium does for Ctrl+P (A4 from the
 * page's CSS) and returns the text of each page. */
async function printToPdf(page: Page, testInfo: TestInfo, name: string): Promise<string[]> {
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const file = testInfo.outputPath(`${name}.pdf`);
  writeFileSync(file, pdf);
  await testInfo.attach(`${name}.pdf`, { path: file, contentType: 'application/pdf' });
  // -raw: the text in the order it was drawn, so a wrapped cell stays together.
  const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  return text.split('\f').filter((p) => p.trim() !== '');
}

const words = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Every page names the plan and the day and numbers itself "Sida i av n". */
function checkEveryPage(pages: string[], title: string, day: string) {
  expect(pages.length).toBeGreaterThan(0);
  pages.forEach((text, i) => {
    const page = words(text);
    expect(page, `page ${i + 1}`).toContain(`Samordnad individuell plan: ${title}`);
    expect(page, `page ${i + 1}`).toContain(`Utskriven ${day}`);
    expect(page, `page ${i + 1}`).toContain(`Sida ${i + 1} av ${pages.length}`);
  });
}

/** What a printed paper never shows: the editor's controls. */
const CONTROLS = ['Lägg till mål', 'Lägg till insats', 'Skriv ut planen', 'Lägg till deltagare', 'Ditt namn',
  'Mötet har pågått', 'Starta mötet', 'Ladda ner', 'Godkänn planen', 'Ta bort'];

test('the example plan on paper: a document with every part, its name, date and page number on every page', async ({ browser }, testInfo) => {
  const page = await openDemo(browser, false);
  const plan = await exported(page);
  const pages = await printToPdf(page, testInfo, 'example-plan');
  const day = await today(page);
  checkEveryPage(pages, plan.title, day);
  const all = words(pages.join(' '));
  for (const heading of ['Personen och planen', 'Deltagare', 'Ansvar för planen', 'Med mina egna ord', 'Mål och delmål',
    'Insatser av kommunen och regionen', 'Åtgärder av andra', 'Uppföljning och utvärdering', 'Möten', 'Samtycke',
    'Godkännande']) {
    expect(all).toContain(heading);
  }
  // Every goal, sub-goal, intervention and participant, whole.
  for (const goal of Object.values<any>(plan.goals)) {
    expect(all).toContain(words(goal.text));
    for (const sub of Object.values<any>(goal.sub_goals)) expect(all).toContain(words(sub.text));
  }
  for (const intervention of Object.values<any>(plan.interventions)) expect(all).toContain(words(intervention.what));
  for (const participant of Object.values<any>(plan.participants)) expect(all).toContain(participant.name);
  // Swedish dates, the coordinator, the person's own words, one approval line each.
  for (const text of ['Planen gjordes 8 oktober 2026', 'Nästa uppföljning 15 januari 2027', 'Utvärdering 15 april 2027',
    'Samordningsansvarig Maria Lind, Biståndshandläggare', 'Övergripande ansvar för planen Kommunen',
    'Mitt huvudmål Jag vill klara mig hemma och hämta min post själv.', '8 oktober 2026 klockan 13.00, 90 minuter',
    'Anna Berg 8 oktober 2026 Själv, i Samplan', 'Erik Berg – Har inte godkänt planen']) {
    expect(all).toContain(text);
  }
  for (const control of CONTROLS) expect(all).not.toContain(control);
  expect(all).not.toMatch(/\d{4}-\d{2}-\d{2}/);
});

test('the paper shows no form controls, no empty label and nothing cut off', async ({ browser }) => {
  const page = await openDemo(browser, false);
  // A long address and a long unit name must wrap, not widen the table beyond the page.
  const form = page.locator('form.add-form');
  await form.getByLabel('Namn').fill('Karin Berg');
  await form.getByLabel('Roll i planen').selectOption({ label: 'Personal' });
  await form.getByLabel('Organisation').selectOption({ label: 'Kommun' });
  await form.getByLabel('Yrke eller relation').fill('Socialsekreterare, barn- och ungdomsenheten');
  await form.getByLabel('E-post').fill('karin.berg.socialsekreterare@socialtjansten.exempelkommunen.se');
  await form.getByRole('button', { name: 'Lägg till deltagare' }).click();
  await expect(page.locator('.participant-list .participant-name', { hasText: 'Karin Berg' })).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.paper-plan')).toBeVisible();
  await expect(page.locator('main')).toBeHidden();
  await expect(page.locator('input:visible, select:visible, textarea:visible, button:visible')).toHaveCount(0);
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const paper = document.querySelector('.paper-plan')!;
    for (const dt of paper.querySelectorAll('dt')) {
      if (!dt.textContent?.trim() || !dt.nextElementSibling?.textContent?.trim()) found.push(`empty: ${dt.textContent}`);
    }
    for (const cell of paper.querySelectorAll('th, td, h2, h3, .paper-label, .paper-words, li')) {
      if (!cell.textContent?.trim()) found.push(`empty ${cell.tagName}`);
    }
    const width = paper.getBoundingClientRect().width;
    // (Not the tables' captions: they are for screen readers, hidden on purpose.)
    for (const element of paper.querySelectorAll<HTMLElement>('*:not(.visually-hidden)')) {
      if (element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).display !== 'inline') {
        found.push(`cut: ${element.tagName} ${element.textContent?.slice(0, 40)}`);
      }
      if (element.getBoundingClientRect().right > paper.getBoundingClientRect().left + width + 1) {
        found.push(`outside: ${element.tagName} ${element.textContent?.slice(0, 40)}`);
      }
    }
    return found;
  });
  expect(problems).toEqual([]);
  await expect(page.locator('.paper-plan td', { hasText: 'karin.berg.socialsekreterare@' })).toBeVisible();
  // Back on the screen after printing: the form, and no paper.
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.emulateMedia({ media: 'screen' });
  await expect(page.locator('.paper-plan')).toHaveCount(0);
  await expect(page.getByLabel('Planens namn')).toBeVisible();
});

test('the large plan on paper: every goal, intervention and participant', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const page = await openDemo(browser, true);
  const plan = await exported(page);
  const pages = await printToPdf(page, testInfo, 'large-plan');
  checkEveryPage(pages, plan.title, await today(page));
  const all = words(pages.join(' '));
  const goals = Object.values<any>(plan.goals);
  const interventions = Object.values<any>(plan.interventions);
  expect(goals).toHaveLength(40);
  expect(interventions).toHaveLength(120);
  for (const goal of goals) expect(all).toContain(words(goal.text));
  // Each intervention's row: its number and its text, whole ("Insats 7" is not "Insats 70").
  for (const intervention of interventions) expect(all).toMatch(new RegExp(`\\b${words(intervention.what)}\\b(?!\\d)`));
  for (const participant of Object.values<any>(plan.participants)) expect(all).toContain(participant.name);
  for (const control of CONTROLS) expect(all).not.toContain(control);
});

test('"Skriv ut planen" draws the paper before the browser prints, and the screen is the form again after', async ({ browser }) => {
  const page = await openDemo(browser, false);
  // The browser's print, replaced: it notes what it would have printed.
  await page.evaluate(() => {
    window.print = () => {
      (window as any).printed = document.querySelector('.paper-plan')?.textContent ?? 'no paper';
    };
  });
  await page.getByRole('button', { name: 'Skriv ut planen' }).click();
  await expect.poll(() => page.evaluate(() => (window as any).printed)).toContain('Mål och delmål');
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await expect(page.locator('.paper-plan')).toHaveCount(0);
});

// The kallelse: its text copied in one click, and a calendar file per
// meeting, read back by a real iCalendar parser (ical.js).
import { expect, Download, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
import { test, TestServer, serverForEachTest } from './server';
import { newPlanWithConsent } from './plan-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

/** The chair's new plan, the person's consent, and Karin Berg (with an
 * e-mail address) as the coordinator. */
async function planWithCoordinator(chair: Page) {
  await newPlanWithConsent(chair, server.url, 'Annas plan', 'Karin Berg',
    { kind: 'Personal', organisation: 'Kommun', role: 'Biståndshandläggare', email: 'karin.berg@example.se' });
  await chair.getByLabel('Samordningsansvarig').selectOption({ label: 'Karin Berg' });
}

/** The event in a downloaded calendar file, with its own time zone registered. */
function eventIn(download: Download, path: string): ICAL.Event {
  expect(download.suggestedFilename()).toMatch(/^kallelse-\d{4}-\d{2}-\d{2}\.ics$/);
  const text = readFileSync(path, 'utf8');
  expect(text).toMatch(/\r\n$/);
  for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  expect(zone?.getFirstPropertyValue('tzid')).toBe('Europe/Stockholm');
  ICAL.TimezoneService.register(new ICAL.Timezone(zone!));
  return new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
}

async function downloadCalendar(chair: Page): Promise<ICAL.Event> {
  const [download] = await Promise.all([
    chair.waitForEvent('download'),
    chair.getByRole('link', { name: 'Ladda ner till kalendern (.ics)' }).click(),
  ]);
  return eventIn(download, await download.path());
}

test('the kallelse is copied in one click and downloaded as a calendar file a real parser reads', async ({ browser }) => {
  const chair = await server.newDevice(browser, 'Karin Berg', 'chair page');
  await planWithCoordinator(chair);
  await chair.getByRole('button', { name: 'Planera ett möte' }).click();
  await chair.getByLabel('Syftet med mötet').fill('Göra en plan, för sommaren; tillsammans');
  await chair.getByLabel('Datum', { exact: true }).fill('2027-06-15');
  await chair.getByLabel('Klockan').fill('13:00');
  await chair.getByLabel('Var hålls mötet?').selectOption({ label: 'Digitalt' });
  await chair.getByLabel('Plats eller länk').fill('https://möte.example.se/sip?rum=anna');
  await chair.getByLabel('Planerad tid i minuter').fill('90');
  await chair.getByLabel('Planerad tid i minuter').press('Tab');
  await chair.getByLabel('Ordförande').selectOption({ label: 'Karin Berg' });

  // The plan page with the kallelse's buttons: no accessibility violations.
  const axe = await new AxeBuilder({ page: chair }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);

  // One click: the kallelse's text is on the clipboard, and the page says so.
  await chair.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await chair.getByRole('button', { name: 'Kopiera kallelsen' }).click();
  await expect(chair.getByRole('status').filter({ hasText: 'Kallelsen är kopierad.' })).toBeVisible();
  const copied = await chair.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await chair.locator('.invitation-text').textContent());
  for (const line of ['Kallelse till SIP-möte: Annas plan', 'När: 2027-06-15 klockan 13:00',
    'Var: Digitalt, länk: https://möte.example.se/sip?rum=anna', 'Ordförande: Karin Berg.']) {
    expect(copied).toContain(line);
  }

  // The calendar file: summer time, 13:00 in Stockholm is 11:00 UTC.
  const summer = await downloadCalendar(chair);
  expect(summer.summary).toBe('SIP-möte: Annas plan');
  expect(summer.startDate.zone?.tzid).toBe('Europe/Stockholm');
  expect(summer.startDate.toJSDate().toISOString()).toBe('2027-06-15T11:00:00.000Z');
  expect(summer.endDate.toJSDate().toISOString()).toBe('2027-06-15T12:30:00.000Z');
  expect(summer.location).toBe('https://möte.example.se/sip?rum=anna');
  expect(summer.component.getFirstPropertyValue('url')).toBe('https://möte.example.se/sip?rum=anna');
  expect(summer.organizer).toBe('mailto:karin.berg@example.se');
  expect(summer.component.getFirstProperty('organizer')?.getParameter('cn')).toBe('Karin Berg');
  expect(summer.description).toBe(copied.trim());
  expect(summer.uid).toMatch(/@samplan$/);
  await expect(chair.getByRole('status').filter({ hasText: 'Kalenderfilen är nedladdad.' })).toBeVisible();

  // In winter the same hour is 12:00 UTC; the event keeps its UID.
  await chair.getByLabel('Datum', { exact: true }).fill('2027-01-20');
  await expect(chair.locator('.invitation-text')).toContainText('När: 2027-01-20');
  const winter = await downloadCalendar(chair);
  expect(winter.startDate.toJSDate().toISOString()).toBe('2027-01-20T12:00:00.000Z');
  expect(winter.uid).toBe(summer.uid);

  // Without a date there is no file, and the page says why.
  await chair.getByLabel('Datum', { exact: true }).fill('');
  await expect(chair.locator('.invitation-text')).toContainText('datum inte bestämt');
  await chair.getByRole('link', { name: 'Ladda ner till kalendern (.ics)' }).click();
  await expect(chair.getByRole('status').filter({ hasText: 'Mötet har inget datum än.' })).toBeVisible();
});

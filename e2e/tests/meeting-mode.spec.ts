// A whole SIP meeting as people hold it, in three contexts: the chair Karin
// Berg (kommun) on a laptop, Lars Holm from the region, and the person Anna
// Svensson on a 10" tablet. The kallelse is copied and its calendar file
// read by a real parser; the meeting is held in the meeting view, whose
// steps are the agenda's lines and follow the chair live; everyone approves
// their own row; the chair ends the meeting and the minutes are printed;
// the plan on paper is printed; a removal is undone; consent is withdrawn
// and given again; the server goes quiet and everyone sees "Offline" within
// 5 s. The browser console stays free of errors (server.ts).
import { expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import ICAL from 'ical.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { test, TestServer, serverForEachTest } from './server';
import { addParticipant, joinAsMe, joinByInvitation, newPlanWithConsent } from './plan-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };
const AGENDA = '1. Välkommen och syfte\n2. Annas situation\n3. Behov\n4. Mål och insatser\n5. Sammanfattning\n6. Avslut';
const STEPS = ['Välkommen och syfte', 'Annas situation', 'Behov', 'Mål och insatser', 'Sammanfattning', 'Avslut'];
const MEETING_LINK = 'https://mote.example.se/sip-anna';

async function noAxeViolations(page: Page): Promise<void> {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/** The page printed to PDF (A4 from its CSS), as text. */
async function pdfText(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const file = testInfo.outputPath(`${name}.pdf`);
  writeFileSync(file, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  await testInfo.attach(`${name}.pdf`, { path: file, contentType: 'application/pdf' });
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** The kallelse: a digital meeting with its agenda, copied in one click and
 * downloaded as a calendar file that ical.js reads. */
async function callTheMeeting(chair: Page): Promise<void> {
  await chair.getByRole('button', { name: 'Planera ett möte' }).click();
  await chair.getByLabel('Syftet med mötet').fill('Göra en plan för våren tillsammans med Anna');
  await chair.getByLabel('Datum', { exact: true }).fill('2027-01-20');
  await chair.getByLabel('Klockan').fill('13:00');
  await chair.getByLabel('Var hålls mötet?').selectOption({ label: 'Digitalt' });
  await chair.getByLabel('Plats eller länk').fill(MEETING_LINK);
  await chair.getByLabel('Planerad tid i minuter').fill('90');
  await chair.getByLabel('Planerad tid i minuter').press('Tab');
  await chair.getByLabel('Ordförande').selectOption({ label: 'Karin Berg' });
  await chair.getByLabel('Dagordning').fill(AGENDA);
  await expect(chair.locator('.meeting-state')).toHaveText('Mötet har inte börjat. Det har 6 steg, ett för varje rad i dagordningen.');

  await chair.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await chair.getByRole('button', { name: 'Kopiera kallelsen' }).click();
  await expect(chair.getByText('Kallelsen är kopierad.', { exact: false })).toBeVisible();
  const copied = await chair.evaluate(() => navigator.clipboard.readText());
  for (const line of ['Kallelse till SIP-möte: Annas plan', MEETING_LINK, '4. Mål och insatser']) expect(copied).toContain(line);

  const [download] = await Promise.all([
    chair.waitForEvent('download'),
    chair.getByRole('link', { name: 'Ladda ner till kalendern (.ics)' }).click(),
  ]);
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(await download.path(), 'utf8')));
  ICAL.TimezoneService.register(new ICAL.Timezone(calendar.getFirstSubcomponent('vtimezone')!));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  expect(event.summary).toBe('SIP-möte: Annas plan');
  expect(event.location).toBe(MEETING_LINK);
  expect(event.startDate.toString()).toBe('2027-01-20T13:00:00');
  expect(event.duration.toSeconds()).toBe(90 * 60);
  expect(event.organizer).toBe('mailto:karin.berg@example.se');
}

/** Every device shows step `n` (from 1) as the current one, its heading,
 * and the part of the plan it is about when the step's title does not say. */
async function everyoneAt(pages: Page[], n: number, part: string): Promise<void> {
  for (const page of pages) {
    await expect(page.locator('.meeting-steps [aria-current="step"]')).toHaveText(STEPS[n - 1]);
    await expect(page.locator('#meeting-step-heading')).toHaveText(`Steg ${n} av 6: ${STEPS[n - 1]}`);
    const said = page.locator('.meeting-step > p.hint');
    if (part === STEPS[n - 1]) await expect(said).toHaveCount(0);
    else await expect(said).toHaveText(`Planens del: ${part}`);
  }
}

test('a whole SIP meeting in the meeting view: chair, region and the person on a tablet', async ({ browser }, testInfo) => {
  test.setTimeout(240_000);
  const chair = await server.newDevice(browser, 'Karin Berg', 'chair page');
  await newPlanWithConsent(chair, server.url, 'Annas plan', 'Karin Berg',
    { kind: 'Personal', organisation: 'Kommun', role: 'Biståndshandläggare', email: 'karin.berg@example.se' });
  const link = chair.url();
  await chair.getByLabel('Samordningsansvarig').selectOption({ label: 'Karin Berg' });
  await addParticipant(chair, 'Anna Svensson', 'Den enskilde', 'Kommun', 'Planens person', '070-111 11 11');
  await callTheMeeting(chair);
  const person = await joinByInvitation(browser, chair, link, 'Anna Svensson', server.url, TABLET);
  const region = await joinByInvitation(browser, chair, link, 'Lars Holm', server.url);
  await joinAsMe(region, 'Lars Holm', { kind: 'Personal', organisation: 'Region', role: 'Distriktssköterska' });
  const everyone = [chair, region, person];

  // Into the meeting view: from the plan, or by its address.
  await chair.getByRole('link', { name: 'Öppna mötesläget' }).click();
  await expect(chair).toHaveURL(/\/mote$/);
  await person.goto(`${link}/mote`);
  await region.goto(`${link}/mote`);
  for (const page of everyone) {
    await expect(page.getByRole('heading', { name: 'SIP-möte 20 januari 2027' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Gå med i mötet/ })).toHaveAttribute('href', MEETING_LINK);
    await expect(page.getByRole('timer')).toHaveText('Mötet har inte börjat.');
  }
  // Only the chair moves the meeting.
  for (const page of [region, person]) {
    await expect(page.getByRole('button', { name: 'Starta mötet' })).toHaveCount(0);
    await expect(page.getByText('Ordföranden startar mötet.', { exact: false })).toBeVisible();
  }
  await chair.getByRole('button', { name: 'Starta mötet' }).click();
  await everyoneAt(everyone, 1, 'Syfte och deltagare');
  await expect(person.getByRole('timer')).toHaveText('Mötet har pågått i 0 av 90 minuter.');
  // Each who has the plan open is named once (the chair has opened it in two views).
  await expect(person.locator('.present-now')).toHaveText(/^Har planen öppen nu: (Karin Berg, Lars Holm|Lars Holm, Karin Berg)$/);
  const people = chair.locator('.meeting-people');
  for (const name of ['Karin Berg', 'Anna Svensson', 'Lars Holm']) {
    await expect(people.locator('tr', { hasText: name })).toContainText('Här nu');
  }
  await noAxeViolations(chair);
  await noAxeViolations(person);

  // A step chosen directly; the person writes in her own words, live.
  await chair.getByRole('button', { name: 'Annas situation' }).click();
  await everyoneAt(everyone, 2, 'Personens situation och förberedelse');
  await person.getByLabel('Det här gör det svårt för mig').fill('Trapporna till tvättstugan');
  await expect(chair.getByLabel('Det här gör det svårt för mig')).toHaveValue('Trapporna till tvättstugan');
  await chair.getByRole('button', { name: 'Nästa steg' }).click();
  await everyoneAt(everyone, 3, 'Behov');
  await chair.getByRole('button', { name: 'Nästa steg' }).click();
  await everyoneAt(everyone, 4, 'Mål och insatser');

  // Goals and interventions, made together in the meeting.
  await person.getByRole('button', { name: 'Lägg till mål' }).click();
  await person.getByLabel('Mål 1', { exact: true }).fill('Jag vill kunna tvätta själv');
  await region.getByRole('button', { name: 'Lägg till insats' }).click();
  await region.getByLabel('Insats 1: vad görs').fill('Arbetsterapeut provar ut stöd för trappan');
  await region.locator('.intervention').first().getByLabel('Ansvarig huvudman').selectOption({ label: 'Regionen' });
  await expect(chair.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill kunna tvätta själv');
  await expect(person.getByLabel('Insats 1: vad görs')).toHaveValue('Arbetsterapeut provar ut stöd för trappan');
  for (const [page, name] of [[chair, 'chair-laptop'], [person, 'person-tablet']] as const) {
    await testInfo.attach(`${name}.png`, { body: await page.screenshot(), contentType: 'image/png' });
  }

  // A removal by mistake is undone, for everyone.
  await chair.getByRole('button', { name: 'Ta bort mål 1' }).click();
  await expect(person.getByLabel('Mål 1', { exact: true })).toHaveCount(0);
  await chair.locator('.undo-toast', { hasText: 'togs bort' }).getByRole('button', { name: 'Ångra' }).click();
  await expect(person.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill kunna tvätta själv');

  // The server goes quiet: everyone sees "Offline" within 5 s, and syncs after.
  for (const page of everyone) {
    await expect(page.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
  }
  server.pause();
  const cut = Date.now();
  for (const page of everyone) {
    await expect(page.getByTestId('save-status')).toContainText('Offline', { timeout: Math.max(1, 5_000 - (Date.now() - cut)) });
  }
  server.resume();
  for (const page of everyone) {
    await expect(page.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 15_000 });
  }

  // The summary, and everyone approves their own row (nobody else's).
  await chair.getByRole('button', { name: 'Nästa steg' }).click();
  await everyoneAt(everyone, 5, 'Sammanfattning och godkännande');
  await chair.getByLabel('Sammanfattning av mötet').fill('Anna får stöd för trappan. Vi ses igen i mars.');
  await chair.locator('#meeting-next-follow-up').fill('2027-03-10');
  await expect(region.getByRole('button', { name: /Godkänn planen \((Anna Svensson|Karin Berg)\)/ })).toHaveCount(0);
  await person.getByRole('button', { name: 'Godkänn planen (Anna Svensson)' }).click();
  await region.getByRole('button', { name: 'Godkänn planen (Lars Holm)' }).click();
  await chair.getByRole('button', { name: 'Godkänn planen (Karin Berg)' }).click();
  for (const page of everyone) await expect(page.locator('.approval .approved')).toHaveCount(3);

  // The end: who took part is proposed from who was here; the chair ends it.
  await chair.getByRole('button', { name: 'Nästa steg' }).click();
  await everyoneAt(everyone, 6, 'Avslut');
  await expect(person.getByText('Ordföranden avslutar mötet.', { exact: false })).toBeVisible();
  await chair.locator('.meeting-step').getByRole('button', { name: 'Avsluta mötet' }).click();
  await expect(chair.getByRole('heading', { name: 'Avsluta mötet' })).toBeFocused();
  for (const name of ['Karin Berg', 'Anna Svensson', 'Lars Holm']) {
    await expect(chair.getByRole('checkbox', { name })).toBeChecked();
  }
  await noAxeViolations(chair);
  await chair.getByRole('button', { name: 'Avsluta mötet nu' }).click();
  for (const page of everyone) {
    const minutes = page.locator('article.minutes');
    await expect(minutes.getByRole('heading', { name: /^Minnesanteckningar från SIP-möte / })).toBeVisible();
    await expect(minutes).toContainText('Närvarande');
    await expect(minutes).toContainText('Karin Berg, Anna Svensson, Lars Holm');
    await expect(minutes).toContainText('Anna får stöd för trappan.');
    await expect(minutes).toContainText('Anna Svensson godkände planen');
    await expect(page.getByRole('timer')).toHaveText(/^Mötet är avslutat\. Det pågick i \d+ minuter\.$/);
    await expect(page.getByRole('button', { name: 'Nästa steg' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: /Gå med i mötet/ })).toHaveCount(0);
  }
  await noAxeViolations(person);
  await testInfo.attach('minutes-tablet.png', { body: await person.screenshot({ fullPage: true }), contentType: 'image/png' });

  // The minutes on paper: only them, with no buttons.
  const minutes = await pdfText(chair, testInfo, 'minnesanteckningar');
  for (const text of ['Minnesanteckningar från SIP-möte', 'Ordförande', 'Karin Berg', 'Lars Holm', '4. Mål och insatser',
    'Anna får stöd för trappan.', 'Nästa uppföljning', '10 mars 2027']) expect(minutes).toContain(text);
  for (const control of ['Skriv ut minnesanteckningarna', 'Återuppta mötet', 'Till hela planen', 'Gå med i mötet']) {
    expect(minutes).not.toContain(control);
  }

  // The plan page says the meeting is over; the plan on paper has what was made.
  await chair.getByRole('link', { name: '← Till hela planen' }).click();
  await expect(chair.locator('.meeting-state')).toHaveText(/^Mötet är avslutat\./);
  await expect(chair.getByRole('button', { name: 'Skriv ut planen' })).toBeVisible();
  await expect(async () => {
    await chair.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await expect(chair.locator('.paper-plan')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const paper = await pdfText(chair, testInfo, 'planen');
  await chair.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  for (const text of ['Annas plan', 'Jag vill kunna tvätta själv', 'Arbetsterapeut provar ut stöd för trappan',
    'Anna Svensson', 'Lars Holm', 'Karin Berg']) expect(paper.replace(/\s+/g, ' ')).toContain(text);

  // Consent withdrawn (after a question) closes the plan for everyone; given again, it opens.
  chair.once('dialog', (dialog) => dialog.accept());
  await chair.getByRole('button', { name: 'Samtycket tas tillbaka' }).click();
  await person.goto(link);
  await expect(person.getByText('Personen har tagit tillbaka sitt samtycke. Planen är avslutad.')).toBeVisible();
  await chair.getByRole('button', { name: 'Personen samtycker', exact: true }).click();
  await expect(person.getByText('Personen har samtyckt igen. Planen är öppnad igen', { exact: false })).toBeVisible();
  await expect(person.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill kunna tvätta själv');
});

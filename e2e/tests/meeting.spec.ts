// The digital SIP meeting with three devices: the chair (a coordinator in
// the municipality), the person, and a professional from the region.
import { expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, restartOffline, serverForEachTest } from './server';
import { addParticipant, joinAsMe, joinByInvitation, newPlanWithConsent } from './plan-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

/** Three devices of one account on one new plan; the chair has recorded the
 * person's consent. (For three people, see `meetingOfThree`.) */
async function meeting(browser: Browser) {
  const chair = await server.newDevice(browser);
  await newPlanWithConsent(chair, server.url, 'Annas plan', 'Testare');
  const link = chair.url();
  const person = await server.newDevice(browser);
  await person.goto(link);
  const professional = await server.newDevice(browser);
  await professional.goto(link);
  for (const page of [person, professional]) {
    await expect(page.getByLabel('Planens namn')).toHaveValue('Annas plan');
  }
  return { chair, person, professional };
}

/** The chair Karin Berg, who makes a new plan, joins its participants and
 * records the person's consent; then the person, linked to the participant
 * "Anna Svensson" by the invitation made for her, and Lars Holm from the
 * region, invited as an editor, who joins the participants when he first
 * opens the plan: each on a device and an account of their own. */
async function meetingOfThree(browser: Browser) {
  const chair = await server.newDevice(browser, 'Karin Berg', 'chair page');
  await newPlanWithConsent(chair, server.url, 'Annas plan', 'Karin Berg',
    { kind: 'Personal', organisation: 'Kommun', role: 'Biståndshandläggare', phone: '090-16 00 00' });
  const link = chair.url();
  await addParticipant(chair, 'Anna Svensson', 'Den enskilde', 'Kommun', 'Planens person', '070-111 11 11');
  const person = await joinByInvitation(browser, chair, link, 'Anna Svensson', server.url);
  const professional = await joinByInvitation(browser, chair, link, 'Lars Holm', server.url);
  await joinAsMe(professional, 'Lars Holm',
    { kind: 'Personal', organisation: 'Region', role: 'Distriktssköterska', phone: '090-78 00 00' });
  await expect(professional.locator('.participant-list .participant-name', { hasText: 'Lars Holm' })).toBeVisible();
  return { chair, person, professional };
}

test('a whole meeting: consent, participants, goals, interventions, follow-up, approval by everyone', async ({ browser }) => {
  const { chair, person, professional } = await meetingOfThree(browser);
  for (const page of [chair, person, professional]) {
    await expect(page.locator('.participant-list .participant-name')).toHaveText(['Karin Berg', 'Anna Svensson', 'Lars Holm']);
  }
  await chair.getByLabel('Samordningsansvarig').selectOption({ label: 'Karin Berg' });
  await chair.getByRole('radio', { name: 'Kommunen' }).check();
  await expect(professional.locator('.participant', { hasText: 'Karin Berg' })).toContainText('Samordningsansvarig');

  // The person's goal, in her words, typed on her own device.
  await person.getByRole('button', { name: 'Lägg till mål' }).click();
  await person.getByLabel('Mål 1', { exact: true }).pressSequentially('Jag vill kunna handla själv');
  await expect(chair.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill kunna handla själv');
  await chair.getByRole('button', { name: 'Lägg till delmål till mål 1' }).click();
  await chair.getByLabel('Delmål 1.1', { exact: true }).fill('Gå till affären med stöd två gånger i veckan');
  await chair.getByLabel('Delmål 1.1: så vet vi att det är nått').fill('Anna har handlat 8 gånger');
  await chair.getByLabel('Delmål 1.1: klart senast').fill('2027-03-01');

  // Interventions by region and kommun.
  await professional.getByRole('button', { name: 'Lägg till insats' }).click();
  await professional.getByLabel('Insats 1: vad görs').fill('Hjälp med medicinerna varje morgon');
  await professional.locator('.intervention').first().getByLabel('Ansvarig huvudman').selectOption({ label: 'Regionen' });
  await professional.locator('.intervention').first().getByLabel('För mål').selectOption({ index: 1 });
  await chair.getByRole('button', { name: 'Lägg till insats' }).click();
  await chair.getByLabel('Insats 2: vad görs').fill('Hemtjänst följer med till affären');
  await chair.locator('.intervention').nth(1).getByLabel('Ansvarig huvudman').selectOption({ label: 'Kommunen' });
  await chair.getByLabel('Ingen annan än kommunen och regionen gör något').check();
  await chair.getByLabel('Nästa uppföljning').fill('2027-02-15');

  // Everything the law asks for is there; what is left is the approval.
  for (const page of [chair, person, professional]) {
    await expect(page.locator('.checklist-summary')).toHaveText('1 sak saknas.');
    await expect(page.locator('.checklist li.missing')).toHaveText(/Planen är godkänd som den ser ut nu.*Ingen har godkänt planen än/);
  }

  // Everyone approves on their own device, each only in their own name; everyone sees all three.
  for (const [page, own, others] of [[person, 'Anna Svensson', ['Karin Berg', 'Lars Holm']],
    [professional, 'Lars Holm', ['Anna Svensson', 'Karin Berg']]] as const) {
    await expect(page.getByRole('button', { name: `Godkänn planen (${own})` })).toBeVisible();
    for (const other of others) {
      await expect(page.locator('.approval', { hasText: other }).getByRole('button')).toHaveCount(0);
    }
  }
  await person.getByRole('button', { name: 'Godkänn planen (Anna Svensson)' }).click();
  await chair.getByRole('button', { name: 'Godkänn planen (Karin Berg)' }).click();
  await professional.getByRole('button', { name: 'Godkänn planen (Lars Holm)' }).click();
  for (const page of [chair, person, professional]) {
    await expect(page.locator('.approval .approved')).toHaveCount(3);
    await expect(page.getByText('Planen har allt som lagen kräver.')).toBeVisible();
  }

  // A sub-goal without its date is listed again.
  await chair.getByLabel('Delmål 1.1: klart senast').fill('');
  await expect(professional.locator('.checklist li.missing')).toContainText([/Delmål 1\.1 .* saknar datum/]);
  await chair.getByLabel('Delmål 1.1: klart senast').fill('2027-03-01');

  // A change after approval is visible to everyone.
  await professional.getByLabel('Insats 1: vad görs').pressSequentially(' och kvällen');
  for (const page of [chair, person, professional]) {
    await expect(page.locator('.approval .changed-after')).toHaveCount(3);
  }
  await expect(chair.locator('.checklist li.missing')).toContainText([/ändrats efter att den godkändes/]);
});

/** The chair adds goal 1, `text`; the device `seenBy` shows it. */
async function addFirstGoal(chair: Page, text: string, seenBy: Page): Promise<void> {
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill(text);
  await expect(seenBy.getByLabel('Mål 1', { exact: true })).toHaveValue(text);
}

test('concurrent edits of the same goal and the same list merge', async ({ browser }) => {
  const { chair, person, professional } = await meeting(browser);
  await addFirstGoal(chair, 'Bo kvar', person);

  // Both type in the same goal at once: at the start and at the end.
  const a = chair.getByLabel('Mål 1', { exact: true });
  const b = person.getByLabel('Mål 1', { exact: true });
  await b.focus();
  await b.press('End');
  await a.focus();
  await a.press('Home');
  await Promise.all([a.pressSequentially('Jag vill '), b.pressSequentially(' hemma')]);
  for (const page of [chair, person, professional]) {
    await expect(page.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill Bo kvar hemma');
  }

  // Two people add a goal at the same moment: both goals are there, once each.
  await Promise.all([
    person.getByRole('button', { name: 'Lägg till mål' }).click(),
    professional.getByRole('button', { name: 'Lägg till mål' }).click(),
  ]);
  for (const page of [chair, person, professional]) {
    await expect(page.locator('.goal')).toHaveCount(3);
  }
  await person.getByLabel('Mål 2', { exact: true }).fill('Träffa vänner');
  await professional.getByLabel('Mål 3', { exact: true }).fill('Sova bättre');
  await expect(chair.getByLabel('Mål 3', { exact: true })).toHaveValue(/Träffa vänner|Sova bättre/);

  // Reordering by keyboard: move goal 1 down; everyone sees the new order.
  await chair.getByRole('button', { name: 'Flytta mål 1 nedåt' }).focus();
  await chair.keyboard.press('Enter');
  for (const page of [chair, person, professional]) {
    await expect(page.getByLabel('Mål 2', { exact: true })).toHaveValue('Jag vill Bo kvar hemma');
    await expect(page.locator('.goal')).toHaveCount(3);
  }
});

test('one participant goes offline, everyone goes on editing, and all meet again when they are back', async ({ browser }) => {
  const { chair, person, professional } = await meeting(browser);
  await addFirstGoal(chair, 'Kunna handla själv', professional);
  await expect(professional.getByTestId('save-status')).toHaveText('Synkat med servern');
  // The professional's laptop loses the network (and is restarted without it).
  await restartOffline(professional);
  await expect(professional.getByLabel('Mål 1', { exact: true })).toHaveValue('Kunna handla själv');
  await professional.getByRole('button', { name: 'Lägg till insats' }).click();
  await professional.getByLabel('Insats 1: vad görs').fill('Hjälp med medicinerna varje morgon');
  await professional.getByLabel('Mål 1', { exact: true }).press('End');
  await professional.getByLabel('Mål 1', { exact: true }).pressSequentially(' i affären');
  // Meanwhile the others edit the same goal and another part.
  await person.getByLabel('Mål 1', { exact: true }).press('Home');
  await person.getByLabel('Mål 1', { exact: true }).pressSequentially('Jag vill ');
  await chair.getByLabel('Mitt huvudmål').fill('Jag vill klara mig hemma.');
  await expect(chair.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill Kunna handla själv');
  await expect(chair.locator('.intervention')).toHaveCount(0);
  // Nothing typed offline is lost on a restart.
  await professional.reload();
  await expect(professional.getByLabel('Insats 1: vad görs')).toHaveValue('Hjälp med medicinerna varje morgon');

  await professional.context().setOffline(false);
  await expect(professional.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 30_000 });
  for (const page of [chair, person, professional]) {
    await expect(page.getByLabel('Mål 1', { exact: true })).toHaveValue('Jag vill Kunna handla själv i affären', { timeout: 15_000 });
    await expect(page.getByLabel('Insats 1: vad görs')).toHaveValue('Hjälp med medicinerna varje morgon');
    await expect(page.getByLabel('Mitt huvudmål')).toHaveValue('Jag vill klara mig hemma.');
  }
});

test('the print view shows every legal item and no controls', async ({ browser }) => {
  const { chair } = await meeting(browser);
  await addParticipant(chair, 'Anna Svensson', 'Den enskilde', 'Kommun', 'Planens person', '070-111 11 11');
  await addParticipant(chair, 'Karin Berg', 'Personal', 'Kommun', 'Biståndshandläggare', '090-16 00 00');
  await chair.getByLabel('Samordningsansvarig').selectOption({ label: 'Karin Berg' });
  await chair.getByRole('radio', { name: 'Regionen' }).check();
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill('Kunna handla själv');
  await chair.getByRole('button', { name: 'Lägg till insats' }).click();
  await chair.getByLabel('Insats 1: vad görs').fill('Stöd vid inköp');
  await chair.locator('.intervention').first().getByLabel('Ansvarig huvudman').selectOption({ label: 'Kommunen' });
  await chair.getByLabel('Ingen annan än kommunen och regionen gör något').check();
  await chair.getByLabel('Nästa uppföljning').fill('2027-02-15');
  // Anna has no device at this meeting: the chair records her approval.
  await chair.getByRole('button', { name: 'Godkänt muntligt på mötet (Anna Svensson)' }).click();
  await expect(chair.locator('.approval', { hasText: 'Anna Svensson' })).toContainText('Godkände planen muntligt på mötet');

  await chair.emulateMedia({ media: 'print' });
  for (const hidden of ['Lägg till mål', 'Lägg till insats', 'Skriv ut planen', 'Lägg till deltagare']) {
    await expect(chair.getByRole('button', { name: hidden })).toBeHidden();
  }
  await expect(chair.getByRole('link', { name: /Mina planer/ })).toBeHidden();
  const paper = chair.locator('main');
  for (const item of ['Samtycke', 'Personen har samtyckt', 'Anna Svensson', 'Karin Berg', 'Samordningsansvarig',
    'Kunna handla själv', 'Stöd vid inköp', 'Nästa uppföljning', 'Godkände planen', 'Planen har allt som lagen kräver.']) {
    await expect(paper).toContainText(item);
  }
  await expect(chair.getByLabel('Nästa uppföljning')).toHaveValue('2027-02-15');
  await expect(chair.locator('.intervention').first().getByLabel('Ansvarig huvudman')).toHaveValue('0');
});

test('the start page and the plan page have no accessibility violations (axe-core, WCAG 2.1 AA)', async ({ browser }) => {
  const { chair } = await meeting(browser);
  await addParticipant(chair, 'Anna Svensson', 'Den enskilde', 'Kommun', 'Planens person', '070-111 11 11');
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByRole('button', { name: 'Lägg till delmål till mål 1' }).click();
  await chair.getByRole('button', { name: 'Lägg till insats' }).click();
  const axe = (page: Page) => new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const planPage = await axe(chair);
  expect(planPage.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  await chair.goto(server.url);
  await expect(chair.getByRole('heading', { name: 'Mina planer' })).toBeVisible();
  const startPage = await axe(chair);
  expect(startPage.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
});

test('presence and history: three people see each other by the names they have in the plan, nobody types a name', async ({ browser }) => {
  const { chair, person, professional } = await meetingOfThree(browser);
  await expect(chair.getByLabel(/Ditt namn/)).toHaveCount(0);
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  for (const [page, others] of [[chair, ['Anna Svensson', 'Lars Holm']], [person, ['Karin Berg', 'Lars Holm']],
    [professional, ['Anna Svensson', 'Karin Berg']]] as const) {
    for (const other of others) {
      await expect(page.locator('.present-now')).toContainText(other);
    }
  }

  await chair.getByLabel('Mål 1', { exact: true }).focus();
  const goal = person.locator('.goal').first();
  await expect(goal.getByText('Karin Berg skriver här')).toBeVisible();
  await chair.getByLabel('Planens namn').focus();
  await expect(goal.getByText('Karin Berg skriver här')).toBeHidden();
  await expect(person.locator('.plan-form').getByText('Karin Berg skriver här')).toBeVisible();

  // The history names who changed what, the same on every device.
  await professional.getByRole('button', { name: 'Lägg till insats' }).click();
  await professional.getByLabel('Insats 1: vad görs').fill('Hjälp med medicinerna');
  for (const page of [chair, person, professional]) {
    await page.getByText('Historik – vem ändrade vad och när').click();
    await expect(page.locator('.history-entry', { hasText: 'Insatser' }).first()).toContainText('Lars Holm');
    await expect(page.locator('.history-entry', { hasText: 'Samtycke' }).first()).toContainText('Karin Berg');
  }

  // Presence is never part of the plan: a new device that opens it later sees no trace of it.
  await chair.close();
  const late = await server.newDevice(browser, 'Karin Berg', 'late page');
  await late.goto(person.url());
  await expect(late.getByLabel('Planens namn')).toHaveValue('Annas plan');
  await expect(late.getByText('Karin Berg skriver här')).toHaveCount(0);
});

test('follow-up: goal outcomes, intervention reports and closing, seen by everyone with name and date', async ({ browser }) => {
  const { chair, person, professional } = await meetingOfThree(browser);
  await expect(chair.getByText('Antecknas av Karin Berg').first()).toBeVisible();
  await expect(professional.getByText('Antecknas av Lars Holm').first()).toBeVisible();
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill('Kunna handla själv');
  await chair.getByRole('button', { name: 'Lägg till insats' }).click();
  await chair.getByLabel('Insats 1: vad görs').fill('Stöd vid inköp');

  await chair.getByLabel('Kommentar om mål 1').fill('Handlar själv varannan gång');
  await chair.getByRole('group', { name: 'Hur gick det med mål 1?' }).getByRole('button', { name: 'Delvis uppfyllt' }).click();
  await professional.getByLabel('Status för insats 1').selectOption({ label: 'Genomförd' });
  await professional.getByLabel('Kommentar om insats 1').fill('Klart i januari');
  await professional.getByRole('button', { name: 'Rapportera insats 1' }).click();
  for (const page of [chair, person, professional]) {
    await expect(page.locator('.outcome .latest')).toContainText('Senast: Delvis uppfyllt');
    await expect(page.locator('.outcome .latest')).toContainText('Karin Berg) – Handlar själv varannan gång');
    await expect(page.locator('.report .latest')).toContainText('Senast: Genomförd');
    await expect(page.locator('.report .latest')).toContainText('Lars Holm) – Klart i januari');
  }

  await chair.getByLabel('Varför avslutas planen?').selectOption({ label: 'Målen är uppnådda' });
  chair.once('dialog', (dialog) => dialog.accept()); // "Vill du avsluta planen för alla?"
  await chair.getByRole('button', { name: 'Avsluta planen' }).click();
  for (const page of [chair, person, professional]) {
    await expect(page.getByText(/Planen avslutades .*Målen är uppnådda, beslutat tillsammans med personen\. Av Karin Berg\./)).toBeVisible();
  }
});

test('the plan can be downloaded as plain text with every legal item, and as JSON', async ({ browser }) => {
  const { chair } = await meeting(browser);
  await chair.getByLabel('Samordningsansvarig').selectOption({ label: 'Testare' });
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill('Kunna handla själv');
  const [download] = await Promise.all([
    chair.waitForEvent('download'),
    chair.getByRole('link', { name: 'Ladda ner planen som text' }).click(),
  ]);
  const path = await download.path();
  const text = require('node:fs').readFileSync(path, 'utf8');
  for (const item of ['Samordnad individuell plan: Annas plan', 'Samtycke lämnat', 'antecknat av Testare', 'Samordningsansvarig',
    '1. Kunna handla själv', 'Nästa uppföljning: inget datum är bestämt', 'Det här saknas i planen']) {
    expect(text).toContain(item);
  }
  // The same plan as JSON, for another system (the server's copy, once synced).
  await expect(chair.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible();
  const [json] = await Promise.all([
    chair.waitForEvent('download'),
    chair.getByRole('link', { name: 'Ladda ner planen som JSON' }).click(),
  ]);
  expect(json.suggestedFilename()).toBe('samordnad-individuell-plan.json');
  const exported = JSON.parse(require('node:fs').readFileSync(await json.path(), 'utf8'));
  expect(exported.format).toBe('samplan-plan');
  expect(exported.plan.title).toBe('Annas plan');
  expect(Object.values(exported.plan.goals).map((g: any) => g.text)).toEqual(['Kunna handla själv']);
  expect(Object.values(exported.plan.participants).map((p: any) => p.name)).toContain('Testare');
});

test('the history per section, the plan as it was, and a removed goal put back', async ({ browser }) => {
  const { chair, person } = await meeting(browser);
  await chair.getByRole('button', { name: 'Lägg till mål' }).click();
  await chair.getByLabel('Mål 1', { exact: true }).fill('Laga mat varje dag');
  await expect(person.getByLabel('Mål 1', { exact: true })).toHaveValue('Laga mat varje dag');
  await person.getByLabel('Mitt huvudmål').fill('Jag vill klara mig själv.');
  await expect(chair.getByLabel('Mitt huvudmål')).toHaveValue('Jag vill klara mig själv.');
  await chair.getByRole('button', { name: 'Ta bort mål 1' }).click();
  await expect(person.getByLabel('Mål 1', { exact: true })).toHaveCount(0);

  await chair.getByText('Historik – vem ändrade vad och när').click();
  const entries = chair.locator('.history-entry');
  await expect(entries.first()).toContainText('Mål'); // the newest: the removal
  const filter = chair.getByLabel('Visa ändringar i');
  await filter.selectOption({ label: 'Samtycke' });
  await expect(entries).toHaveCount(1);
  await filter.selectOption({ label: 'Mål' });
  await expect(entries).toHaveCount(2); // added (with the chair's first edits), removed
  await filter.selectOption({ label: 'Avvikelser' });
  await expect(chair.getByText('Inga ändringar att visa.')).toBeVisible();
  // The person's edit of the main goal: the plan then still had the goal.
  await filter.selectOption({ label: 'Planens namn och huvudmål' });
  await entries.first().getByRole('button', { name: /Visa planen som den var efter/ }).click();
  const then = chair.locator('.plan-then');
  await expect(then.locator('pre')).toContainText('Laga mat varje dag');
  await expect(then.locator('pre')).toContainText('Jag vill klara mig själv.');
  const axe = await new AxeBuilder({ page: chair }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  await then.getByRole('button', { name: 'Lägg tillbaka Mål: Laga mat varje dag' }).click();
  await expect(then.getByRole('status')).toHaveText('Lagt tillbaka: Mål: Laga mat varje dag');
  await expect(then.getByText('Inget av det som fanns då är borttaget.')).toBeVisible();
  // Back for everyone, with its text.
  await expect(chair.getByLabel('Mål 1', { exact: true })).toHaveValue('Laga mat varje dag');
  await expect(person.getByLabel('Mål 1', { exact: true })).toHaveValue('Laga mat varje dag');
});

test('kallelse and the meeting: chair ≠ note-taker, a long meeting warns, the way into the meeting view', async ({ browser }) => {
  const { chair, person } = await meeting(browser);
  await addParticipant(chair, 'Anna Svensson', 'Den enskilde', 'Kommun', 'Planens person', '070-111 11 11');
  await addParticipant(chair, 'Karin Berg', 'Personal', 'Kommun', 'Biståndshandläggare', '090-16 00 00');
  await chair.getByRole('button', { name: 'Planera ett möte' }).click();
  await chair.getByLabel('Syftet med mötet').fill('Göra en plan för hösten');
  await chair.getByLabel('Datum', { exact: true }).fill('2027-01-20');
  await chair.getByLabel('Klockan').fill('13:00');
  await chair.getByLabel('Var hålls mötet?').selectOption({ label: 'Hemma hos mig' });
  await chair.getByLabel('Plats eller länk').fill('Storgatan 1');
  await chair.getByLabel('Ordförande').selectOption({ label: 'Karin Berg' });
  await chair.getByLabel('Antecknar').selectOption({ label: 'Karin Berg' });
  await expect(chair.getByRole('alert').filter({ hasText: 'ordförande' })).toBeVisible();
  await chair.getByLabel('Antecknar').selectOption({ label: 'Anna Svensson' });
  await chair.getByLabel('Planerad tid i minuter').fill('150');
  await chair.getByLabel('Planerad tid i minuter').press('Tab');
  await expect(person.getByText('Mötet är planerat till mer än två timmar.', { exact: false })).toBeVisible();
  await chair.getByLabel('Planerad tid i minuter').fill('90');
  await chair.getByLabel('Planerad tid i minuter').press('Tab');
  await expect(person.getByText('Mötet är planerat till mer än två timmar.', { exact: false })).toBeHidden();

  await person.getByText('Kallelsen som text').click();
  const invitation = person.locator('.invitation-text');
  for (const line of ['Kallelse till SIP-möte: Annas plan', 'Syfte: Göra en plan för hösten', 'När: 2027-01-20 klockan 13:00',
    'Var: Hemma hos mig, Storgatan 1', 'Ordförande: Karin Berg. Antecknar: Anna Svensson.']) {
    await expect(invitation).toContainText(line);
  }

  // Without an agenda, the meeting has the usual six steps; it is held in
  // the meeting view (meeting-mode.spec.ts).
  await expect(person.locator('.meeting-state')).toHaveText('Mötet har inte börjat. Det har 6 steg, ett för varje rad i dagordningen.');
  await expect(person.getByRole('link', { name: 'Öppna mötesläget' })).toHaveAttribute('href', /\/plan\/.+\/mote$/);
});

test('revisions and deviation reports are recorded and everyone sees them', async ({ browser }) => {
  const { chair, professional } = await meeting(browser);
  await chair.getByLabel('Vad ändrades i planen, och varför?').fill('Mål 2 ändrat efter uppföljningen.');
  await chair.getByRole('button', { name: 'Anteckna revideringen' }).click();
  await professional.getByLabel('Vad gick fel?').selectOption({ label: 'Kallad företrädare kom inte' });
  await professional.getByLabel('Vad hände?').fill('Arbetsförmedlingen kom inte till mötet.');
  await professional.getByRole('button', { name: 'Rapportera avvikelsen' }).click();
  for (const page of [chair, professional]) {
    await expect(page.locator('.revision-list')).toContainText('Mål 2 ändrat efter uppföljningen.');
    await expect(page.locator('.deviation-list')).toContainText('Kallad företrädare kom inte – Arbetsförmedlingen kom inte till mötet.');
  }
  // An empty report is refused with a plain reason.
  await chair.getByRole('button', { name: 'Rapportera avvikelsen' }).click();
  await expect(chair.getByRole('alert')).toContainText('Beskriv vad som hände.');
});

test('a member who is not yet a participant joins them first, and nothing is recorded in another name', async ({ browser }) => {
  const chair = await server.newDevice(browser, 'Karin Berg', 'chair page');
  await newPlanWithConsent(chair, server.url, 'Annas plan', 'Karin Berg');
  const lars = await joinByInvitation(browser, chair, chair.url(), 'Lars Holm', server.url);
  await expect(lars.getByRole('heading', { name: 'Du är inte med bland deltagarna än' })).toBeVisible();
  const joinView = await new AxeBuilder({ page: lars }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(joinView.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);

  // Until he has joined, what he would record has nobody to be signed by.
  const notYet = 'Du finns inte bland deltagarna i planen än.';
  await expect(lars.locator('.signed-as').first()).toContainText(notYet);
  await lars.getByLabel('Vad hände?').fill('Ingen från regionen kom');
  await lars.getByRole('button', { name: 'Rapportera avvikelsen' }).click();
  await expect(lars.getByRole('alert')).toContainText(notYet);
  await expect(lars.locator('.deviation-list li')).toHaveCount(0);

  await joinAsMe(lars, 'Lars Holm', { kind: 'Personal', organisation: 'Region' });
  await expect(lars.getByText('Antecknas av Lars Holm').first()).toBeVisible();
  await lars.getByRole('button', { name: 'Rapportera avvikelsen' }).click();
  await expect(chair.locator('.deviation-list li')).toHaveCount(1);
  await expect(chair.locator('.deviation-list li')).toContainText('Ingen från regionen kom (Lars Holm)');
  await expect(chair.locator('.participant', { hasText: 'Lars Holm' })).toContainText('Personal (Region)');
});

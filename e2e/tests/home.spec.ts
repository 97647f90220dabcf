// The person's own plan at home ("Min plan"): open it from an invitation,
// read it one part at a time, report how a goal goes and see the chart;
// report offline for a week and sync; the coordinator sees the reports in
// the follow-up view. Plain language is measured (LIX), and the views are
// checked with axe-core, at 200 % zoom and by keyboard.
import { expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, allowRefusedDevice, restartOffline, serverForEachTest } from './server';
import { invite, planWithPerson as personsPlan, demoPlanInvitingPerson as demoInviting } from './person-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const GOAL = 'Jag vill gå till brevlådan och hämta min post själv.';
const PARTS = ['Mina mål', 'Det gör jag själv', 'Hjälp jag får', 'Vem jag kan fråga', 'Inför mötet', 'Vem får svara åt mig', 'Om SIP'];

const planWithPerson = (browser: Browser) => personsPlan(server, browser);
const demoPlanInvitingPerson = (browser: Browser) => demoInviting(server, browser);

async function report(person: Page, rating: string, note: string, day?: string) {
  const goal = person.locator('article.goal-card').first();
  await goal.getByRole('radio', { name: rating, exact: true }).check();
  await goal.getByLabel('Vill du skriva något?').fill(note);
  if (day) await goal.getByLabel('Dag').fill(day);
  await goal.getByRole('button', { name: 'Spara mitt svar' }).click();
  await expect(goal.getByText('Tack! Ditt svar är sparat.')).toBeVisible();
}

test('the person reads their plan, reports on a goal and sees the chart; the coordinator sees it at follow-up', async ({ browser }) => {
  const { chair, person } = await planWithPerson(browser);
  const goal = person.locator('article.goal-card').first();
  await expect(goal.getByRole('heading', { level: 3 })).toContainText(GOAL);
  await expect(goal.getByText('Inga svar än.')).toBeVisible();

  await report(person, 'Lite bättre', 'Jag gick halva vägen.');
  await expect(goal.getByRole('img')).toHaveAttribute('aria-label', /1 svar\. Det senaste, .*: Lite bättre\./);
  await report(person, 'Mycket bättre', 'Hela vägen i dag!');
  await expect(goal.getByRole('img')).toHaveAttribute('aria-label', /2 svar\. .*Mycket bättre\./);
  await expect(goal.locator('circle')).toHaveCount(2);

  // The coordinator sees the same answers beside the goal in the follow-up view.
  const chart = chair.locator('.goal-self-reports').first().getByRole('img');
  await expect(chart).toHaveAttribute('aria-label', /2 svar\. .*Mycket bättre\./, { timeout: 15_000 });
  await chair.locator('.goal-self-reports').first().getByText('Alla svar som lista').click();
  await expect(chair.getByText('Hela vägen i dag!')).toBeVisible();

  // Each part, one at a time, in plain words.
  await person.getByRole('button', { name: 'Vem jag kan fråga' }).click();
  await expect(person.getByRole('heading', { name: 'Vem jag kan fråga' })).toBeVisible();
  await expect(person.getByText('Din samordnare är:')).toBeVisible();
  await expect(person.locator('article.goal-card')).toHaveCount(0); // one thing at a time
  await person.getByRole('button', { name: 'Det gör jag själv' }).click();
  await expect(person.getByText('Laga frukost. Ringa Erik.')).toBeVisible();
  await person.getByRole('button', { name: 'Hjälp jag får' }).click();
  await expect(person.locator('.help-item').first()).toBeVisible();

  // Preparing the meeting: the answers appear in the plan for the others.
  await person.getByRole('button', { name: 'Inför mötet' }).click();
  await person.getByLabel('Frågor jag vill prata om på mötet').fill('Kan jag få hjälp att byta glödlampor?');
  await chair.getByText('Visa personens svar inför mötet').click();
  await expect(chair.getByLabel('Frågor jag vill prata om på mötet')).toHaveValue('Kan jag få hjälp att byta glödlampor?', { timeout: 15_000 });

  // A reminder the person asked for shows on top when it is due.
  await person.getByRole('button', { name: 'Mina mål' }).click();
  await expect(person.getByText('Du har inget att göra just nu.')).toBeVisible();
  await goal.getByLabel('Påminn mig om att svara').selectOption('7');
  await expect(person.getByText('Du har inget att göra just nu.')).toBeVisible(); // answered today
  await person.locator('article.goal-card').nth(1).getByLabel('Påminn mig om att svara').selectOption('7');
  await expect(person.locator('.todo-list')).toContainText('Dags att svara hur det går med målet:');

  // Text size stays after a reload.
  await person.getByRole('button', { name: 'Större text' }).click();
  await person.getByRole('button', { name: 'Större text' }).click();
  await expect(person.getByText('150 %')).toBeVisible();
  await person.reload();
  await expect(person.getByText('150 %')).toBeVisible();
  expect(await person.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('27px');
});

test('a week offline: many reports and edits on both sides, then everything syncs with none lost', async ({ browser }) => {
  const { chair, person } = await planWithPerson(browser);
  // Wait until the person's device has the plan and its report document.
  await expect(person.locator('article.goal-card').first().getByRole('button', { name: 'Spara mitt svar' })).toBeVisible();
  await expect(person.getByTestId('save-status')).toHaveText('Synkat med servern');
  // Offline: the tablet is turned off and on again with no network, once
  // the service worker has kept the app's files.
  await restartOffline(person);

  const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'];
  const ratings = ['Lite sämre', 'Som förut', 'Som förut', 'Lite bättre', 'Lite bättre', 'Mycket bättre', 'Lite bättre'];
  for (let i = 0; i < days.length; i++) {
    await report(person, ratings[i], `Dag ${i + 1}`, days[i]);
  }
  await person.getByRole('button', { name: 'Inför mötet' }).click();
  await person.getByLabel('Annat som är viktigt för mig').fill('Jag vill ha besök på förmiddagen.');
  // The coordinator edits meanwhile.
  await chair.getByLabel('Mitt huvudmål').fill('Jag vill klara mig hemma, också på vintern.');
  await chair.getByText('Visa personens svar inför mötet').click();
  await chair.getByLabel('Frågor jag inte vill prata om på mötet').fill('Inte om flytt.');
  // A reload offline (the tablet was turned off): nothing typed is lost.
  await person.reload();
  await expect(person.getByRole('heading', { name: 'Min plan', level: 1 })).toBeVisible();
  await expect(person.locator('article.goal-card').first().getByRole('img')).toHaveAttribute('aria-label', /7 svar/);

  await person.context().setOffline(false);
  await expect(person.getByTestId('save-status')).toHaveText('Synkat med servern', { timeout: 30_000 });
  await expect(person.getByText('Jag vill klara mig hemma, också på vintern.')).toBeVisible({ timeout: 15_000 });
  const chart = chair.locator('.goal-self-reports').first().getByRole('img');
  await expect(chart).toHaveAttribute('aria-label', /7 svar\. Det senaste, 2026-11-22: Lite bättre\./, { timeout: 30_000 });
  await chair.locator('.goal-self-reports').first().getByText('Alla svar som lista').click();
  for (let i = 1; i <= 7; i++) {
    await expect(chair.locator('.goal-self-reports').first().getByText(`Dag ${i}`, { exact: false })).toHaveCount(1);
  }
  await expect(chair.getByLabel('Annat som är viktigt för mig')).toHaveValue('Jag vill ha besök på förmiddagen.');
  await person.getByRole('button', { name: 'Inför mötet' }).click();
  await expect(person.getByLabel('Frågor jag inte vill prata om på mötet')).toHaveValue('Inte om flytt.');
});

/** The fixed text of the page (not what people wrote), as the person sees it. */
async function fixedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const element = node.parentElement;
      if (!element || element.closest('[data-user-text], script, style, noscript, figcaption, title')) continue;
      const text = (node.textContent ?? '').trim();
      if (text) texts.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label]')) {
      if (!element.closest('[data-user-text]') && element.getAttribute('role') !== 'img') {
        texts.push(element.getAttribute('aria-label') ?? '');
      }
    }
    return texts;
  });
}

/** LIX (Björnsson): words per sentence + per cent long words (over six letters). */
function lix(texts: string[]): { lix: number; longestSentence: number } {
  const sentences = texts.flatMap((t) => t.split(/[.!?:]+/)).map((s) => s.match(/\p{L}+/gu) ?? []).filter((w) => w.length > 0);
  const words = sentences.flat();
  const long = words.filter((w) => w.length > 6).length;
  return { lix: words.length / sentences.length + (100 * long) / words.length, longestSentence: Math.max(...sentences.map((s) => s.length)) };
}

test('plain language, accessibility, 200 % zoom and keyboard on every part of the person\'s view', async ({ browser }) => {
  const { person } = await planWithPerson(browser);
  await report(person, 'Som förut', 'Som vanligt.');
  const axe = () => new AxeBuilder({ page: person }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const part of PARTS) {
    await person.getByRole('button', { name: part, exact: true }).click();
    await expect(person.getByRole('heading', { name: part, level: 2 })).toBeVisible();
    const measured = lix(await fixedTexts(person));
    console.log(`${part}: LIX ${measured.lix.toFixed(1)}, longest sentence ${measured.longestSentence} words`);
    expect(measured.lix, `LIX of "${part}"`).toBeLessThanOrEqual(40);
    expect(measured.longestSentence, `longest sentence on "${part}"`).toBeLessThanOrEqual(15);
    expect((await axe()).violations, `axe on "${part}"`).toEqual([]);
  }
  // The list of plans on the device.
  await person.goto(`${server.url}/min-plan`);
  await expect(person.getByRole('heading', { name: 'Mina planer' })).toBeVisible();
  expect(lix(await fixedTexts(person)).lix).toBeLessThanOrEqual(40);
  expect((await axe()).violations).toEqual([]);
  await person.goBack();

  // 200 % zoom of a 1280 px screen is 640 CSS pixels: no sideways scrolling.
  await person.setViewportSize({ width: 640, height: 400 });
  for (const part of PARTS) {
    await person.getByRole('button', { name: part, exact: true }).click();
    const overflow = await person.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `sideways scroll on "${part}"`).toBeLessThanOrEqual(0);
  }
  await person.setViewportSize({ width: 1280, height: 800 });

  // Only a keyboard: choose a step with the arrow keys, write, save.
  await person.getByRole('button', { name: 'Mina mål', exact: true }).focus();
  await person.keyboard.press('Enter');
  const goal = person.locator('article.goal-card').first();
  await goal.getByRole('radio', { name: 'Som förut', exact: true }).focus();
  await person.keyboard.press('ArrowRight');
  await expect(goal.getByRole('radio', { name: 'Lite bättre', exact: true })).toBeChecked();
  await person.keyboard.press('Tab');
  await expect(goal.getByLabel('Vill du skriva något?')).toBeFocused();
  await person.keyboard.type('Med tangentbordet.');
  // On to the button (the day field has a stop for each of its parts).
  const save = goal.getByRole('button', { name: 'Spara mitt svar' });
  for (let i = 0; i < 6 && !(await save.evaluate((b) => b === document.activeElement)); i++) {
    await person.keyboard.press('Tab');
  }
  await expect(save).toBeFocused();
  await person.keyboard.press('Enter');
  await expect(goal.getByText('Tack! Ditt svar är sparat.')).toBeVisible();
  await expect(goal.getByRole('img')).toHaveAttribute('aria-label', /2 svar\. .*Lite bättre\./);
});

test('on a first visit the person reads the plan before the app has loaded; then the app takes over', async ({ browser }) => {
  allowRefusedDevice(); // another device opens the used link (410)
  const { link } = await demoPlanInvitingPerson(browser);

  // Hold the app back, as a slow network would.
  const context = await browser.newContext();
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await context.route(/\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  const person = await context.newPage();
  person.on('pageerror', (error) => console.error(`[person page error] ${error.message}`));
  await person.goto(link);
  const first = person.locator('#first-view');
  // The page offers the invitation before the app has loaded; pressing
  // "Öppna planen" redeems it.
  await first.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(first.getByRole('heading', { name: 'Min plan', level: 1 })).toBeVisible();
  await expect(first.getByRole('status')).toHaveText('Du kan läsa din plan nu. Snart kan du också svara hur det går.');
  await expect(first.locator('article.first-goal').first()).toContainText(GOAL);
  await expect(first.getByRole('heading', { name: 'Vem jag kan fråga', level: 2 })).toBeVisible();
  await expect(first.getByRole('heading', { name: 'Hjälp jag får', level: 2 })).toBeVisible();
  await expect(person.locator('article.goal-card')).toHaveCount(0);
  // The one-time code left the address bar at once.
  expect(person.url()).not.toContain('#');
  const measured = lix(await fixedTexts(person));
  expect(measured.lix).toBeLessThanOrEqual(40);
  expect(measured.longestSentence).toBeLessThanOrEqual(15);
  const axe = await new AxeBuilder({ page: person }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations).toEqual([]);

  // The app loads, uses the page's redemption of the link (it works once),
  // and replaces the first view with the full Min plan.
  release();
  await expect(person).toHaveURL(/\/min-plan\//);
  await expect(person.locator('article.goal-card').first()).toContainText(GOAL, { timeout: 30_000 });
  await expect(first).toHaveCount(0);
  await expect(person.getByRole('alert')).toHaveCount(0);
  await report(person, 'Lite bättre', 'Första gången.');

  // The same link again, on another device: it has been used; no first
  // view, a clear message, and the page passes axe.
  const other = await (await browser.newContext()).newPage();
  await other.goto(link);
  await other.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(other.getByRole('alert')).toBeVisible({ timeout: 30_000 });
  await expect(other.getByText('Be den som bjöd in dig om en ny länk.')).toBeVisible();
  await expect(other.locator('#first-view')).toHaveCount(0);
  await expect(other.getByText(GOAL)).toHaveCount(0);
  const refused = await new AxeBuilder({ page: other }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(refused.violations).toEqual([]);
});

test('when the browser cannot store anything, the person is told and nothing is lost', async ({ browser }) => {
  const { chair } = await planWithPerson(browser);
  const link = await invite(chair, 'Anna i privat läge', 'person');
  const context = await browser.newContext();
  // Private mode in some browsers: IndexedDB refuses to open.
  await context.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  const person = await context.newPage();
  await person.goto(link);
  await person.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(person).toHaveURL(/\/min-plan\//);
  await expect(person.getByRole('alert')).toContainText('Det går inte att spara på den här enheten just nu.', { timeout: 15_000 });
  // The plan still comes from the server, and a report still reaches it.
  await report(person, 'Lite bättre', 'Utan minne.');
  const chart = chair.locator('.goal-self-reports').first().getByRole('img');
  await expect(chart).toHaveAttribute('aria-label', /1 svar\. .*Lite bättre\./, { timeout: 15_000 });
});

test('the person lets a relative answer for them; the coordinator shuts the relative\'s device out', async ({ browser }) => {
  allowRefusedDevice(); // the relative's device, shut out, is refused (404)
  const { chair, person } = await planWithPerson(browser);
  const relativeLink = await invite(chair, 'Bo (son)', 'reader');
  const relative = await (await browser.newContext()).newPage();
  await relative.goto(relativeLink);
  await relative.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(relative).toHaveURL(/\/plan\//);
  await relative.getByRole('link', { name: 'Personens egen vy – lätt att läsa' }).click();
  await expect(relative).toHaveURL(/\/min-plan\//);
  await expect(relative.locator('article.goal-card').first()).toBeVisible();
  await expect(relative.getByRole('button', { name: 'Spara mitt svar' })).toHaveCount(0); // not yet allowed
  await expect(relative.getByRole('button', { name: 'Vem får svara åt mig' })).toHaveCount(0); // the person's choice
  // The relative reads the person's preparation but does not write it.
  await relative.getByRole('button', { name: 'Inför mötet' }).click();
  await expect(relative.getByText('Laga frukost. Ringa Erik.')).toBeVisible();
  await expect(relative.getByRole('textbox')).toHaveCount(0);
  await relative.getByRole('button', { name: 'Hjälp jag får', exact: true }).click();
  await expect(relative.locator('li.help-item').first()).toBeVisible();
  await expect(relative.getByRole('button', { name: 'Det här blev inte av' })).toHaveCount(0);
  await relative.getByRole('button', { name: 'Mina mål' }).click();

  await person.getByRole('button', { name: 'Vem får svara åt mig' }).click();
  await person.getByRole('checkbox', { name: 'Bo (son) får svara åt mig' }).check();
  await expect(person.getByRole('checkbox', { name: 'Bo (son) får svara åt mig' })).toBeChecked();
  await relative.reload();
  await report(relative, 'Lite bättre', 'Bo skriver åt mamma.');
  const chart = chair.locator('.goal-self-reports').first().getByRole('img');
  await expect(chart).toHaveAttribute('aria-label', /1 svar\. .*Lite bättre\./, { timeout: 15_000 });
  await chair.locator('.goal-self-reports').first().getByText('Alla svar som lista').click();
  await expect(chair.getByText('(Bo (son))')).toBeVisible(); // who answered
  // Bo says, for his mother, that a help did not happen: the coordinator's
  // to-do names it, in Bo's name.
  await relative.getByRole('button', { name: 'Hjälp jag får', exact: true }).click();
  const help = relative.locator('li.help-item').filter({ hasText: 'Gångträning med rollator' });
  await help.getByRole('button', { name: 'Det här blev inte av' }).click();
  await help.getByLabel('Vad hände? Du måste inte skriva något.').fill('Ingen kom.');
  await help.getByRole('button', { name: 'Skicka till samordnaren' }).click();
  await expect(help.locator('.help-not-given')).toContainText('Bo (son) skrev');
  const todo = chair.locator('aside.plan-todo');
  await expect(todo).toContainText('Bo (son) skrev', { timeout: 15_000 });
  await expect(todo).toContainText('"Gångträning med rollator ute och i trappan"');
  await expect(todo).toContainText('Personens ord: "Ingen kom."');

  // The coordinator sees Bo's device and shuts it out of the plan.
  await chair.getByRole('button', { name: 'Uppdatera listorna' }).click();
  await chair.getByRole('button', { name: /^Stäng ute Bo \(son\)s enhet / }).click();
  await expect(chair.getByText('utestängd från planen')).toBeVisible();
  await relative.reload();
  await expect(relative.getByText('Du kan inte se den här planen längre', { exact: false })).toBeVisible({ timeout: 15_000 });
  // The person's own device is not touched.
  await person.reload();
  await expect(person.locator('article.goal-card').first()).toBeVisible();
});

test('Min plan can be installed on a tablet: its manifest, icons and service worker', async ({ browser, request }) => {
  const manifest = await (await request.get(`${server.url}/min-plan.webmanifest`)).json();
  expect(manifest.start_url).toBe('/min-plan');
  expect(manifest.display).toBe('standalone');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === size);
    expect(icon, `a ${size} icon`).toBeTruthy();
    const answer = await request.get(`${server.url}${icon.src}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('image/png');
  }
  const { person } = await planWithPerson(browser);
  await expect(person.locator('link[rel="manifest"]')).toHaveAttribute('href', '/min-plan.webmanifest');
  const scope = await person.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(`${server.url}/`);
});

// Finding one's way through the plan page (issue 26, item 4): the
// contents ("Innehåll") beside the plan on a laptop and as a menu on a
// 10" tablet, parts that open and close with a visible control and state,
// and the keyboard kept on an item that was moved.
import { expect, Browser, BrowserContextOptions, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, serverForEachTest } from './server';
import { newPlanWithConsent } from './plan-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const laptop: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };
const tabletPortrait: BrowserContextOptions = { viewport: { width: 800, height: 1280 }, hasTouch: true, isMobile: true };
const tabletLandscape: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, hasTouch: true, isMobile: true };

/** A signed-in device with the given screen and input. */
async function device(browser: Browser, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addCookies([
    { name: 'samplan_session', value: server.token('Karin Berg'), url: server.url, httpOnly: true, sameSite: 'Strict' },
  ]);
  return context.newPage();
}

/** A new plan with the person's consent, two goals and an intervention: every part of the plan is on the page. */
async function fullPlan(page: Page): Promise<void> {
  await newPlanWithConsent(page, server.url, 'Annas plan', 'Karin Berg');
  await page.getByRole('button', { name: 'Lägg till mål' }).click();
  await page.getByLabel('Mål 1', { exact: true }).fill('Bo kvar hemma');
  await page.getByRole('button', { name: 'Lägg till mål' }).click();
  await page.getByLabel('Mål 2', { exact: true }).fill('Träffa vänner');
  await page.getByRole('button', { name: 'Lägg till insats' }).click();
  await expect(page.getByRole('heading', { name: 'Avvikelser' })).toBeVisible();
}

const contents = (page: Page) => page.getByRole('navigation', { name: 'Innehåll' });

/** The parts the contents lists, in order. */
const everyPart = ['Planens namn och huvudmål', 'Samtycke', 'Deltagare', 'Personens förberedelse', 'Möte och kallelse',
  'Mål och delmål', 'Insatser', 'Uppföljning', 'Godkännande', 'Hur har det gått?', 'Revideringar', 'Avvikelser',
  'Det här behöver planen', 'Historik', 'Dela planen'];

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('on a laptop the contents stays beside the plan and takes the keyboard to the part chosen', async ({ browser }) => {
  const page = await device(browser, laptop);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Ny plan' }).click();
  await page.getByLabel('Planens namn').fill('Annas plan');
  // Before consent only what is there is listed.
  await expect(contents(page).getByRole('link')).toHaveText(
    ['Planens namn och huvudmål', 'Samtycke', 'Det här behöver planen', 'Historik', 'Dela planen']);
  await fullPlan(page);
  const nav = contents(page);
  await expect(nav).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Innehåll' })).toBeHidden();
  await expect(nav.getByRole('link')).toHaveText(everyPart);

  await nav.getByRole('link', { name: 'Mål och delmål' }).click();
  await expect(page.getByRole('heading', { name: 'Mål och delmål', exact: true })).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Mål och delmål', exact: true })).toBeInViewport();
  await expect(nav.getByRole('link', { name: 'Mål och delmål' })).toHaveAttribute('aria-current', 'location');
  // Still at hand far down the page.
  await expect(nav).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('laptop.png') });
  // By keyboard too.
  await nav.getByRole('link', { name: 'Godkännande' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Godkännande', exact: true })).toBeFocused();
  // The plan's name has no heading of its own (the page's is its name): its field.
  await nav.getByRole('link', { name: 'Planens namn och huvudmål' }).click();
  await expect(page.getByLabel('Planens namn')).toBeFocused();
  await expect(page.getByLabel('Planens namn')).toBeInViewport();

  // Touch targets of at least 44 px, and nothing of it on paper.
  for (const box of await nav.getByRole('link').evaluateAll((links) => links.map((l) => l.getBoundingClientRect().height))) {
    expect(box).toBeGreaterThanOrEqual(44);
  }
  expect(await axeViolations(page)).toEqual([]);
  await page.emulateMedia({ media: 'print' });
  await expect(nav).toBeHidden();
});

for (const [name, options] of [['portrait', tabletPortrait], ['landscape', tabletLandscape]] as const) {
  test(`on a 10" tablet (${name}) the contents is a menu that opens, takes one to the part and closes`, async ({ browser }) => {
    const page = await device(browser, options);
    await fullPlan(page);
    const nav = contents(page);
    const menu = nav.getByRole('button', { name: 'Innehåll' });
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav.getByRole('link', { name: 'Insatser' })).toBeHidden();
    const height = await menu.evaluate((b) => b.getBoundingClientRect().height);
    expect(height).toBeGreaterThanOrEqual(44);

    await menu.tap();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link')).toHaveText(everyPart);
    await page.screenshot({ path: test.info().outputPath('menu-open.png') });
    expect(await axeViolations(page)).toEqual([]);
    await nav.getByRole('link', { name: 'Insatser' }).tap();
    await expect(page.getByRole('heading', { name: 'Insatser', exact: true })).toBeFocused();
    await expect(page.getByRole('heading', { name: 'Insatser', exact: true })).toBeInViewport();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav.getByRole('link', { name: 'Insatser' })).toBeHidden();
    // The menu is at hand there too, and Escape closes it again.
    await expect(menu).toBeInViewport();
    await page.screenshot({ path: test.info().outputPath('menu-closed.png') });
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(nav.getByRole('link', { name: 'Deltagare' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(menu).toBeFocused();
  });
}

/** The expanded state the browser's accessibility tree gives the control named `name`. */
async function expanded(page: Page, name: string): Promise<boolean | undefined> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const control = nodes.find((n) => n.name?.value === name && n.role?.value !== 'StaticText' && !n.ignored);
  expect(control, `a control named ${name}`).toBeTruthy();
  const state = control!.properties?.find((p) => p.name === 'expanded');
  await cdp.detach();
  return state === undefined ? undefined : Boolean(state.value.value);
}

test('a part that opens shows that it does, and whether it is open', async ({ browser }) => {
  const page = await device(browser, laptop);
  await fullPlan(page);
  const details = page.locator('details.preparation');
  const summary = details.locator('summary');
  await summary.scrollIntoViewIfNeeded();
  const look = () => summary.evaluate((s) => {
    const style = getComputedStyle(s);
    const marker = getComputedStyle(s, '::before');
    return { border: style.borderTopStyle, background: style.backgroundColor, marker: marker.content, turn: marker.transform, height: s.getBoundingClientRect().height };
  });
  const closed = await look();
  // A control: framed, with a marker, large enough to touch.
  expect(closed.border).not.toBe('none');
  expect(closed.marker).not.toBe('none');
  expect(closed.height).toBeGreaterThanOrEqual(44);
  await expect(details).not.toHaveAttribute('open');
  expect(await expanded(page, 'Visa personens svar inför mötet')).toBe(false);
  await summary.screenshot({ path: test.info().outputPath('closed.png') });
  await summary.focus();
  await page.keyboard.press('Enter');
  await expect(details).toHaveAttribute('open');
  // The state is told (what the browser gives a screen reader) and seen.
  expect(await expanded(page, 'Visa personens svar inför mötet')).toBe(true);
  const open = await look();
  expect(open.turn).not.toBe(closed.turn);
  expect(open.background).not.toBe(closed.background);
  await summary.screenshot({ path: test.info().outputPath('open.png') });
  // The focus ring is there.
  const outline = await summary.evaluate((s) => getComputedStyle(s).outlineStyle);
  expect(outline).not.toBe('none');
  await page.getByRole('button', { name: 'Planera ett möte' }).click();
  for (const other of ['Kallelsen som text', 'Historik – vem ändrade vad och när']) {
    const box = page.locator('summary', { hasText: other });
    await expect(box).toHaveCount(1);
    const style = await box.evaluate((s) => ({ border: getComputedStyle(s).borderTopStyle, marker: getComputedStyle(s, '::before').content }));
    expect(style.border).not.toBe('none');
    expect(style.marker).not.toBe('none');
  }
});

test('after "Flytta ner" the keyboard stays on the moved goal and its new place is told', async ({ browser }) => {
  const page = await device(browser, laptop);
  await fullPlan(page);
  await page.getByRole('button', { name: 'Lägg till mål' }).click();
  await page.getByLabel('Mål 3', { exact: true }).fill('Sova bättre');
  const goals = page.locator('.goal-list > li.goal');
  const first = await goals.first().getAttribute('data-goal');
  await page.getByRole('button', { name: 'Flytta mål 1 nedåt' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Mål 2', { exact: true })).toHaveValue('Bo kvar hemma');
  await expect(goals.nth(1)).toHaveAttribute('data-goal', first!);
  // The same button of the same goal, now number 2.
  await expect(page.getByRole('button', { name: 'Flytta mål 2 nedåt' })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Målet är nu nummer 2 av 3' })).toHaveCount(1);
  // Once more, by keyboard, to the end: still there.
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Mål 3', { exact: true })).toHaveValue('Bo kvar hemma');
  await expect(page.getByRole('button', { name: 'Flytta mål 3 nedåt' })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Målet är nu nummer 3 av 3' })).toHaveCount(1);
  // And up again.
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Flytta mål 3 uppåt' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Flytta mål 2 uppåt' })).toBeFocused();
  await expect(page.getByLabel('Mål 2', { exact: true })).toHaveValue('Bo kvar hemma');

  // The same for an intervention.
  await page.getByRole('button', { name: 'Lägg till insats' }).click();
  await page.getByLabel('Insats 2: vad görs').fill('Hemtjänst');
  await page.getByRole('button', { name: 'Flytta insats 2 uppåt' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Insats 1: vad görs')).toHaveValue('Hemtjänst');
  await expect(page.getByRole('button', { name: 'Flytta insats 1 uppåt' })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Insatsen är nu nummer 1 av 2' })).toHaveCount(1);
});

// Min plan on an iPad in Safari: the tip to add it to the home screen
// (Safari deletes a site's saved answers after seven days without a visit
// unless it is there) shows with its words, passes axe, and once closed
// stays away after a reload. It does not show on a computer, nor when Min
// plan runs from the home screen; an iPad that asks for desktop pages
// (it says "Macintosh", but has a touch screen) gets it.
import { expect, Browser, BrowserContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, serverForEachTest } from './server';
import { planWithPerson } from './person-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const IPAD_SAFARI =
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const MAC_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** The example plan, and the person's device (an iPad in Safari) at its Min plan. */
async function personOnIpad(browser: Browser): Promise<{ context: BrowserContext; person: Page }> {
  const options = { userAgent: IPAD_SAFARI, viewport: { width: 820, height: 1180 }, hasTouch: true };
  const { person } = await planWithPerson(server, browser, options);
  await expect(person.locator('article.goal-card').first()).toBeVisible();
  return { context: person.context(), person };
}

/** What a page's browser pretends to be (see `pageThat`). */
interface Pretend {
  standalone?: boolean;
  userAgent?: string;
  touchPoints?: number;
}

/** Another page of the same device at `url`, whose browser pretends `pretend`. */
async function pageThat(context: BrowserContext, url: string, pretend: Pretend): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((p: Pretend) => {
    if (p.standalone !== undefined) Object.defineProperty(Navigator.prototype, 'standalone', { get: () => p.standalone });
    if (p.userAgent !== undefined) Object.defineProperty(Navigator.prototype, 'userAgent', { get: () => p.userAgent });
    if (p.touchPoints !== undefined) Object.defineProperty(Navigator.prototype, 'maxTouchPoints', { get: () => p.touchPoints });
  }, pretend);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Min plan', level: 1 })).toBeVisible();
  await expect(page.locator('article.goal-card').first()).toBeVisible();
  return page;
}

test('on an iPad in Safari, Min plan asks to be put on the home screen; closed, the tip stays away', async ({ browser }) => {
  const { context, person } = await personOnIpad(browser);
  const tip = person.getByRole('region', { name: 'Lägg Min plan på hemskärmen' });
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('Då finns dina svar kvar.');
  await expect(tip).toContainText('Annars kan Safari ta bort dem. Det händer om du inte öppnar Min plan på sju dagar.');
  await expect(tip).toContainText('Tryck på Dela.');
  await expect(tip).toContainText('Välj sedan Lägg till på hemskärmen.');
  // Plain words: short sentences, few long words (LIX, as home.spec.ts measures it).
  const sentences = (await tip.innerText()).split(/[.!?:\n]+/).map((s) => s.match(/\p{L}+/gu) ?? []).filter((w) => w.length > 0);
  const words = sentences.flat();
  const lix = words.length / sentences.length + (100 * words.filter((w) => w.length > 6).length) / words.length;
  expect(lix, 'LIX of the tip').toBeLessThanOrEqual(30);
  expect(Math.max(...sentences.map((s) => s.length)), 'words in the tip\'s longest sentence').toBeLessThanOrEqual(12);
  const axe = await new AxeBuilder({ page: person }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations).toEqual([]);

  await tip.getByRole('button', { name: 'Stäng' }).click();
  await expect(tip).toHaveCount(0);
  await person.reload();
  await expect(person.locator('article.goal-card').first()).toBeVisible();
  await expect(person.getByRole('heading', { name: 'Lägg Min plan på hemskärmen' })).toHaveCount(0);

  // Not closed on this device: from the home screen it does not show;
  // an iPad asking for desktop pages gets it, a Mac does not.
  await person.evaluate(() => localStorage.removeItem('samplan-hemskarm-stangd'));
  const url = person.url();
  const fromHomeScreen = await pageThat(context, url, { standalone: true });
  await expect(fromHomeScreen.getByRole('heading', { name: 'Lägg Min plan på hemskärmen' })).toHaveCount(0);
  const desktopIpad = await pageThat(context, url, { userAgent: MAC_SAFARI, touchPoints: 5 });
  await expect(desktopIpad.getByRole('heading', { name: 'Lägg Min plan på hemskärmen' })).toBeVisible();
  const mac = await pageThat(context, url, { userAgent: MAC_SAFARI, touchPoints: 0 });
  await expect(mac.getByRole('heading', { name: 'Lägg Min plan på hemskärmen' })).toHaveCount(0);
});

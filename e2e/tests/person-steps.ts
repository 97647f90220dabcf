// Steps that bring the person to their plan, as the coordinator and the
// person take them: the example plan on the server, an invitation for the
// person, and the person's device at "Min plan".
import { expect, Browser, BrowserContextOptions, Page } from '@playwright/test';
import type { TestServer } from './server';

/** An invitation made by the coordinator on `chair` for `who` in `role`
 * (for the plan's participant whose name is `participant`, if given): its link. */
export async function invite(
  chair: Page,
  who: string,
  role: 'editor' | 'person' | 'reader',
  participant?: string,
): Promise<string> {
  const link = chair.getByLabel(/Skicka den här länken/);
  const before = (await link.count()) > 0 ? await link.inputValue() : '';
  if (participant) {
    await chair.getByLabel('Vem av deltagarna är inbjudan till?').selectOption({ label: participant });
  }
  await chair.getByLabel('Vem är inbjudan till?').fill(who);
  await chair.getByLabel('Vad får personen göra?').selectOption(role);
  await chair.getByRole('button', { name: 'Skapa inbjudan' }).click();
  await expect(link).toHaveValue(/\/inbjudan#[0-9a-f]{64}$/);
  await expect(link).not.toHaveValue(before);
  return link.inputValue();
}

/** The example plan, opened by its coordinator (whose app then makes the
 * self-report document), and a link that invites the person. */
export async function demoPlanInvitingPerson(
  server: TestServer,
  browser: Browser,
  participant?: string,
): Promise<{ chair: Page; link: string }> {
  server.token('Testare');
  const path = server.cli('demo', '--owner', 'Testare');
  const chair = await server.newDevice(browser, 'Testare', 'chair page');
  await chair.goto(server.url + path);
  await expect(chair.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });
  return { chair, link: await invite(chair, 'Anna', 'person', participant) };
}

/** The example plan, opened by its coordinator, and the person's device
 * (a context with `options`: a tablet's viewport) at "Min plan"; the
 * invitation for the plan's participant named `participant`, if given. */
export async function planWithPerson(
  server: TestServer,
  browser: Browser,
  options: BrowserContextOptions = {},
  participant?: string,
): Promise<{ chair: Page; person: Page }> {
  const { chair, link } = await demoPlanInvitingPerson(server, browser, participant);
  const context = await browser.newContext(options);
  const person = await context.newPage();
  person.on('pageerror', (error) => console.error(`[person page error] ${error.message}`));
  await person.goto(link);
  await person.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(person).toHaveURL(/\/min-plan\//);
  await expect(person.getByRole('heading', { name: 'Min plan', level: 1 })).toBeVisible();
  return { chair, person };
}

// Steps every plan begins with, as a coordinator takes them: joining the
// plan's participants (every member is one) and recording the consent.
import { expect, Browser, BrowserContextOptions, Page } from '@playwright/test';

/** Details of oneself, as the join form asks for them. */
export interface AboutMe {
  kind?: string;
  organisation?: string;
  role?: string;
  phone?: string;
  email?: string;
}

/** The member on `page`, not yet a participant, joins the participants under
 * the name the server proposes (`name`, checked). */
export async function joinAsMe(page: Page, name: string, about: AboutMe = {}): Promise<void> {
  const section = page.locator('section.join-plan');
  await expect(section.getByRole('heading', { name: 'Du är inte med bland deltagarna än' })).toBeVisible();
  await expect(section.getByLabel('Namn')).toHaveValue(name);
  if (about.kind) await section.getByLabel('Roll i planen').selectOption({ label: about.kind });
  if (about.organisation) await section.getByLabel('Organisation').selectOption({ label: about.organisation });
  if (about.role) await section.getByLabel('Yrke eller relation').fill(about.role);
  if (about.phone) await section.getByLabel('Telefon').fill(about.phone);
  if (about.email) await section.getByLabel('E-post').fill(about.email);
  await section.getByRole('button', { name: 'Lägg till mig' }).click();
  await expect(section).toHaveCount(0);
}

/** A new plan titled `title` by the signed-in coordinator `name`, who joins
 * its participants and records the person's consent in her own name. */
export async function newPlanWithConsent(page: Page, url: string, title: string, name: string, about: AboutMe = {}): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Ny plan' }).click();
  await page.getByLabel('Planens namn').fill(title);
  await expect(page.getByText('Resten av planen öppnas när personen har samtyckt.')).toBeVisible();
  await joinAsMe(page, name, about);
  await expect(page.getByText(`Antecknas av ${name}`)).toBeVisible();
  await page.getByRole('button', { name: 'Personen samtycker', exact: true }).click();
  await expect(page.getByText('Personen har samtyckt')).toBeVisible();
  await expect(page.locator('.consent-log')).toContainText(`antecknat av ${name}`);
  // What she typed about herself is kept, whatever else changed meanwhile.
  for (const detail of [about.role, about.phone, about.email]) {
    if (detail) await expect(page.locator('.participant', { hasText: name })).toContainText(detail);
  }
}

/** The chair invites `who` (with "Bjud in" beside them when they are one of
 * the participants, else as someone new), and a new device opens the
 * invitation (in a context made with `device`: a tablet's viewport) and
 * then the plan at `link`. */
export async function joinByInvitation(browser: Browser, chair: Page, link: string, who: string, origin: string,
  device: BrowserContextOptions = {}): Promise<Page> {
  const participant = chair.getByLabel('Vem av deltagarna är inbjudan till?');
  const inviteButton = chair.getByRole('button', { name: `Bjud in ${who}` });
  const known = await inviteButton.count() > 0;
  if (known) {
    await inviteButton.click();
    await expect(participant).toBeFocused();
    await expect(participant.locator('option:checked')).toHaveText(who);
    await expect(chair.getByLabel('Vem är inbjudan till?')).toHaveValue(who);
  } else {
    await chair.getByLabel('Vem är inbjudan till?').fill(who);
    await chair.getByLabel('Vad får personen göra?').selectOption('editor');
  }
  const invitation = chair.getByLabel(/Skicka den här länken/);
  // The link of an earlier invitation stands until the new one is made:
  // copy only once the field holds the new link.
  const earlier = (await invitation.count()) > 0 ? await invitation.inputValue() : '';
  await chair.getByRole('button', { name: 'Skapa inbjudan' }).click();
  await expect(invitation).toHaveValue(/\/inbjudan#[0-9a-f]{64}$/);
  if (earlier) await expect(invitation).not.toHaveValue(earlier);
  if (known) await expect(chair.locator('.send-to')).toContainText(`Skicka den till ${who}:`);
  // One click copies the link, to paste into a mail or a text message.
  await chair.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await chair.getByRole('button', { name: 'Kopiera länken' }).click();
  await expect(chair.getByText('Länken är kopierad.')).toBeVisible();
  // (Polled: "Länken är kopierad." may still stand from an earlier copy.)
  const copied = await invitation.inputValue();
  await expect.poll(() => chair.evaluate(() => navigator.clipboard.readText())).toBe(copied);
  const page = await (await browser.newContext(device)).newPage();
  page.on('pageerror', (error) => console.error(`[${who} error] ${error.message}`));
  await page.goto(await invitation.inputValue());
  await page.getByRole('button', { name: 'Öppna planen' }).click();
  await expect(page).not.toHaveURL(/\/inbjudan/);
  await page.goto(link);
  await expect(page.getByLabel('Planens namn')).toHaveValue('Annas plan');
  return page;
}

/** The chair adds a participant to the plan on `page`. */
export async function addParticipant(page: Page, name: string, kind: string, organisation: string, role: string, phone: string) {
  const form = page.locator('form.add-form');
  await form.getByLabel('Namn').fill(name);
  await form.getByLabel('Roll i planen').selectOption({ label: kind });
  await form.getByLabel('Organisation').selectOption({ label: organisation });
  await form.getByLabel('Yrke eller relation').fill(role);
  await form.getByLabel('Telefon').fill(phone);
  await form.getByRole('button', { name: 'Lägg till deltagare' }).click();
  await expect(page.locator('.participant-list .participant-name', { hasText: name })).toBeVisible();
}

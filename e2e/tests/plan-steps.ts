// Steps every plan begins with, as a coordinator takes them: joining the
// plan's participants (every member is one) and recording the consent.
import { expect, Page } from '@playwright/test';

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

// The person's side of the plan on a tablet (issue 27): the next SIP
// meeting with weekday, year and time, and the link to join it; how each
// help is going; "Det här blev inte av", which reaches the coordinator's
// to-do and the deviations, and leaves the to-do when the help's status is
// reported again.
import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, TestServer, serverForEachTest } from './server';
import { planWithPerson } from './person-steps';

let server: TestServer;
serverForEachTest((started) => (server = started));

const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };
const WEEKDAYS = ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'];
const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

/** The day `days` from today: as the date field takes it, and as the person reads it. */
function dayFromToday(days: number): { iso: string; long: string; spoken: string } {
  const day = new Date();
  day.setDate(day.getDate() + days);
  const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  const long = `${day.getDate()} ${MONTHS[day.getMonth()]} ${day.getFullYear()}`;
  return { iso, long, spoken: `${WEEKDAYS[day.getDay()]} ${long}` };
}

async function axeViolations(page: Page) {
  return (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations;
}

test('the person on a tablet sees the next meeting with year and time and can join it by its link', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  const card = person.locator('section.next-meeting');
  // The example plan's meeting was in October: nothing is booked.
  await expect(card).toContainText('Det finns inget möte inbokat än.');

  const meeting = dayFromToday(6);
  await chair.locator('#meeting-date').fill(meeting.iso);
  await chair.locator('#meeting-time').fill('13:00');
  await chair.locator('#meeting-form').selectOption({ label: 'Digitalt' });
  await chair.locator('#meeting-place').fill('https://mote.example.se/sip-anna');

  await expect(card.getByRole('heading', { name: 'Nästa möte' })).toBeVisible();
  await expect(card.locator('.meeting-when')).toHaveText(`${meeting.spoken} klockan 13.00`, { timeout: 15_000 });
  await expect(card).toContainText('Var: Digitalt möte, på skärmen');
  const join = card.getByRole('link', { name: /Gå med i mötet/ });
  await expect(join).toHaveAttribute('href', 'https://mote.example.se/sip-anna');
  await expect(join).toHaveAttribute('target', '_blank');
  // The follow-up is a line of its own, with its year.
  await expect(card.locator('.follow-up-line')).toContainText(/Ni ska följa upp planen \S+ \d+ \S+ 20\d\d\./);
  await expect(person.locator('.todo')).toContainText('Om 6 dagar är mötet om din plan.');
  // A touch target of a finger's size.
  const box = await join.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);

  // What to prepare is one tap away.
  await card.getByRole('button', { name: 'Förbered dig inför mötet' }).click();
  await expect(person.getByRole('heading', { name: 'Inför mötet', level: 2 })).toBeVisible();
  expect(await axeViolations(person)).toEqual([]);
});

test('the person reads how a help is going, says it did not happen, and the coordinator acts on it', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  await person.getByRole('button', { name: 'Hjälp jag får', exact: true }).click();
  // A help nobody has reported on yet says so.
  await expect(person.locator('li.help-item').first().locator('.help-status')).toHaveText('Så går det: Ingen har skrivit hur det går än.');
  // The example plan's walking practice has a status report from the region.
  const what = 'Gångträning med rollator ute och i trappan';
  const help = person.locator('li.help-item').filter({ hasText: what });
  await expect(help.locator('.help-status')).toHaveText('Så går det: Pågår. Det skrev Sara Holm 11 november 2026.');
  await expect(help).toContainText('De skrev: Anna går 30 meter nu.');

  await help.getByRole('button', { name: 'Det här blev inte av' }).click();
  await help.getByLabel('Vad hände? Du måste inte skriva något.').fill('Ingen kom på tisdagen.');
  await help.getByRole('button', { name: 'Skicka till samordnaren' }).click();
  const today = dayFromToday(0);
  await expect(help.locator('.help-not-given')).toHaveText(
    `Anna skrev ${today.long} att det här inte blev av. Din samordnare ser det och tar reda på vad som hände.`,
  );
  await expect(help.getByRole('button', { name: 'Det här blev inte av' })).toHaveCount(0);
  expect(await axeViolations(person)).toEqual([]);

  // The coordinator's to-do names it, and so do the deviations.
  const todo = chair.locator('aside.plan-todo');
  await expect(todo.getByRole('heading', { name: 'Att göra' })).toBeVisible({ timeout: 15_000 });
  await expect(todo).toContainText(`Anna skrev ${today.long} att en insats inte blev av: "${what}".`);
  await expect(todo).toContainText('Personens ord: "Ingen kom på tisdagen."');
  // On a laptop the to-do stands above the checklist, in one column beside
  // the plan (it was once a grid item of its own, as tall as the whole plan,
  // and pushed the checklist below the plan).
  const [main, todoBox, checklist] = await Promise.all(
    [chair.locator('.plan-main'), todo, chair.locator('aside.checklist')].map((l) => l.boundingBox()),
  );
  expect(todoBox!.x).toBeGreaterThan(main!.x + main!.width);
  expect(todoBox!.height).toBeLessThan(600);
  expect(checklist!.x).toBe(todoBox!.x);
  expect(checklist!.y).toBeGreaterThan(todoBox!.y + todoBox!.height - 1);
  await expect(chair.locator('.deviation-list')).toContainText(`En del av planen följdes inte (gäller insatsen "${what}") – Ingen kom på tisdagen. (Anna)`);
  expect(await axeViolations(chair)).toEqual([]);

  // The coordinator finds out and reports the help's status: the to-do is
  // done, and the person reads the new status.
  const report = chair.locator('li.report').filter({ hasText: what });
  await report.getByRole('combobox').selectOption({ label: 'Pågår' });
  await report.getByRole('textbox').fill('Ny tid på torsdag.');
  await report.getByRole('button', { name: /Rapportera insats/ }).click();
  await expect(todo).toHaveCount(0);
  await expect(help.locator('.help-status')).toContainText(`Pågår. Det skrev`, { timeout: 15_000 });
  await expect(help.locator('.help-status')).toContainText(today.long);
  await expect(help).toContainText('De skrev: Ny tid på torsdag.');
  await expect(help.locator('.help-not-given')).toHaveCount(0);
  await expect(help.getByRole('button', { name: 'Det här blev inte av' })).toBeVisible();
});

test('"Läs upp" hands speech synthesis the plan and the person\'s answers, never the controls', async ({ browser }) => {
  const { person } = await planWithPerson(server, browser, TABLET);
  // What the app hands to speech synthesis, kept instead of spoken.
  await person.evaluate(() => {
    (window as any).spoken = [];
    window.speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
      (window as any).spoken.push({ text: utterance.text, lang: utterance.lang });
      utterance.onend?.(new Event('end') as SpeechSynthesisEvent);
    };
  });
  const readAloud = async (part: string): Promise<string> => {
    await person.getByRole('button', { name: part, exact: true }).click();
    const frame = person.locator('section.part');
    await expect(frame.getByRole('heading', { name: part, level: 2 })).toBeVisible();
    await frame.getByRole('button', { name: 'Läs upp' }).click();
    // (The reading is a chunk of its own, fetched on the first press.)
    await person.waitForFunction(() => (window as any).spoken.length > 0);
    const spoken = await person.evaluate(() => (window as any).spoken.pop());
    expect(spoken.lang).toBe('sv-SE');
    return spoken.text as string;
  };
  const controls = ['Läs upp', 'Spara mitt svar', 'Hur går det nu?', 'Mycket sämre', 'Vill du skriva något?', 'Påminn mig om att svara',
    'Varje vecka', 'Ingen påminnelse', 'Det här blev inte av', 'Mina mål', 'Hjälp jag får', 'Dag'];
  const noControls = (text: string, where: string) => {
    for (const control of controls) expect(text.split('\n'), `"${control}" read aloud in ${where}:\n${text}`).not.toContain(control);
    for (const control of controls.slice(1)) expect(text, `"${control}" read aloud in ${where}`).not.toContain(control);
  };

  const goals = await readAloud('Mina mål');
  expect(goals).toContain('Jag vill gå till brevlådan och hämta min post själv.');
  expect(goals).toMatch(/Inga svar än|svar\./); // the chart by its description
  noControls(goals, 'Mina mål');

  // The person's own answers before the meeting are read after their questions.
  await person.getByRole('button', { name: 'Inför mötet', exact: true }).click();
  const field = person.locator('section.part textarea').first();
  await field.fill('Jag vill kunna gå ut själv igen.');
  const question = (await person.locator('section.part label').first().textContent())?.trim() ?? '';
  const meeting = await readAloud('Inför mötet');
  expect(meeting).toContain(`${question}\nJag vill kunna gå ut själv igen.`);
  noControls(meeting, 'Inför mötet');

  const help = await readAloud('Hjälp jag får');
  expect(help).toContain('Gångträning med rollator ute och i trappan.');
  expect(help).toContain('Så går det: Pågår. Det skrev Sara Holm 11 november 2026.');
  noControls(help, 'Hjälp jag får');

  // The next meeting has its own "Läs upp".
  await person.locator('section.next-meeting').getByRole('button', { name: 'Läs upp' }).click();
  await person.waitForFunction(() => (window as any).spoken.length > 0);
  const next = await person.evaluate(() => (window as any).spoken.pop().text as string);
  expect(next).toContain('Det finns inget möte inbokat än.');
  expect(next).not.toContain('Förbered dig inför mötet');

  // "Om SIP" is read as the page says it.
  const about = await readAloud('Om SIP');
  expect(about).toContain('Vad är en SIP?\nSIP betyder samordnad individuell plan. Det är din plan.');
});

test('"Hela planen" shows the person what they may do: no removing, no recording consent, approving only themselves', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  await person.getByRole('link', { name: 'Hela planen' }).click();
  await expect(person.getByLabel('Planens namn')).toBeVisible();
  await expect(person.locator('li.goal').first()).toBeVisible({ timeout: 15_000 });
  await expect(person.locator('li.intervention').first()).toBeVisible();
  // The coordinator has them all; the person none.
  await expect(chair.getByRole('button', { name: /^Ta bort (mål|insats|delmål)/ }).first()).toBeVisible();
  await expect(person.getByRole('button', { name: /^Ta bort/ })).toHaveCount(0);
  await expect(person.getByRole('button', { name: /Personen samtycker|Samtycket tas tillbaka/ })).toHaveCount(0);
  await expect(person.getByText('Vill du ta tillbaka ditt samtycke? Säg det till din samordnare.')).toBeVisible();
  await expect(person.getByRole('button', { name: /Godkänt muntligt/ })).toHaveCount(0);
  for (const approve of await person.getByRole('button', { name: /^Godkänn/ }).all()) {
    await expect(approve).toHaveAccessibleName(/\(Anna\)$/);
  }
  expect(await axeViolations(person)).toEqual([]);
});

test('the person writes their main goal, meeting wishes and what they need; the coordinator reads them and notes the interpreter', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  await person.getByRole('button', { name: 'Inför mötet', exact: true }).click();
  await person.getByLabel('Mitt huvudmål inför mötet').fill('Jag vill bo kvar hemma och klara posten själv.');
  await person.getByLabel('Var vill jag ha mötet? Vem vill jag ha med mig?').fill('Hemma hos mig. Min dotter Eva kommer.');
  await person.getByLabel(/Det här behöver jag för att kunna vara med/).fill('Tolk på arabiska och korta pauser.');
  await person.getByLabel(/Hur vill jag få min plan/).fill('På papper.');
  expect(await axeViolations(person)).toEqual([]);

  await chair.getByText('Visa personens svar inför mötet').click();
  await expect(chair.getByLabel('Mitt huvudmål inför mötet')).toHaveValue('Jag vill bo kvar hemma och klara posten själv.', { timeout: 15_000 });
  await expect(chair.getByLabel('Var vill jag ha mötet? Vem vill jag ha med mig?')).toHaveValue('Hemma hos mig. Min dotter Eva kommer.');
  await expect(chair.getByLabel(/Hur vill jag få min plan/)).toHaveValue('På papper.');
  await chair.getByLabel('Personen behöver tolk').check();
  await chair.getByLabel('Språk', { exact: true }).fill('arabiska');
  await chair.reload();
  await chair.getByText('Visa personens svar inför mötet').click();
  await expect(chair.getByLabel('Personen behöver tolk')).toBeChecked();
  await expect(chair.getByLabel('Språk', { exact: true })).toHaveValue('arabiska');
});

test('each sub-goal is followed up with its history, and the person reads its measure, date and outcome', async ({ browser }) => {
  const { chair, person } = await planWithPerson(server, browser, TABLET);
  // The example plan's first goal has sub-goals with a measure and a date.
  const subGoal = chair.locator('li.sub-goal-outcome').first();
  await expect(subGoal).toContainText('Inte följt upp än.');
  await subGoal.getByLabel('Kommentar om delmål 1.1').fill('Halva vägen med rollator.');
  await subGoal.getByRole('group', { name: 'Hur gick det med delmål 1.1?' }).getByRole('button', { name: 'Delvis uppfyllt' }).click();
  await expect(subGoal.locator('.outcome-history li')).toHaveCount(1);
  await subGoal.getByRole('group', { name: 'Hur gick det med delmål 1.1?' }).getByRole('button', { name: 'Uppfyllt', exact: true }).click();
  const history = subGoal.locator('.outcome-history li');
  await expect(history).toHaveCount(2);
  await expect(history.first()).toContainText('Uppfyllt');
  await expect(history.last()).toContainText('Delvis uppfyllt');
  await expect(history.last()).toContainText('Halva vägen med rollator.');

  const firstSub = person.locator('ul.my-sub-goals li').first();
  await expect(firstSub).toContainText('Så vet vi att det är klart:');
  await expect(firstSub).toContainText(/Klart senast: \d+ \S+ 20\d\d/);
  await expect(firstSub).toContainText(`Vid uppföljningen: Uppfyllt (${new Date().getDate()} `, { timeout: 15_000 });
  expect(await axeViolations(chair)).toEqual([]);
});

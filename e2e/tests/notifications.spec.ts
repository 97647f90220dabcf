// Notifications by e-mail (issue 31): the person says in Min plan that a
// help did not happen, and the coordinator's mailbox gets one notice, with
// a link and nothing from the plan; the coordinator's settings change what
// is sent; with no mail server the settings say that none is sent. The
// mail server is scripts/smtp-sink.py (aiosmtpd), writing each message it
// accepts to a folder as JSON.
import { expect, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test, TestServer } from './server';
import { planWithPerson } from './person-steps';

const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };
const ADDRESS = 'samordnare@example.se';

interface Mail {
  rcpt_tos: string[];
  subject: string;
  text: string;
  raw: string;
}

class Mailbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'samplan-mail-'));
  private process: ChildProcess | null = null;
  port = 0;

  async start(): Promise<void> {
    const child = spawn('python3', [join(__dirname, '../../scripts/smtp-sink.py'), '--dir', this.dir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.process = child;
    const lines = createInterface({ input: child.stdout! });
    this.port = Number(await new Promise<string>((resolve) => lines.once('line', resolve)));
  }

  messages(): Mail[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Mail);
  }

  stop(): void {
    this.process?.kill();
  }
}

/** Open "Aviseringar" on "Mina planer" and choose `mode` for `address`. */
async function chooseNotifications(page: Page, server: TestServer, address: string, mode: string): Promise<void> {
  await page.goto(server.url + '/');
  await page.getByText('Aviseringar: vad du får veta och hur').click();
  await page.getByLabel('Din e-postadress').fill(address);
  await page.getByRole('radio', { name: mode }).check();
  await page.getByRole('button', { name: 'Spara aviseringar' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Dina val är sparade.' })).toBeVisible();
}

/** The person says on Min plan that the help `what` did not happen. */
async function notGiven(person: Page, what: string): Promise<void> {
  await person.getByRole('button', { name: 'Hjälp jag får', exact: true }).click();
  const help = person.locator('li.help-item').filter({ hasText: what });
  await help.getByRole('button', { name: 'Det här blev inte av' }).click();
  await help.getByLabel('Vad hände? Du måste inte skriva något.').fill('Ingen kom på tisdagen.');
  await help.getByRole('button', { name: 'Skicka till samordnaren' }).click();
  await expect(help.locator('.help-not-given')).toBeVisible();
}

test('the person says a help did not happen and the coordinator gets one mail, with no names; "Inga mejl" stops them', async ({ browser }) => {
  const mailbox = new Mailbox();
  await mailbox.start();
  const server = await TestServer.start({ args: ['--smtp-url', `smtp://127.0.0.1:${mailbox.port}`, '--notify-retry-secs', '1'] });
  try {
    const { person } = await planWithPerson(server, browser, TABLET);
    const settings = await server.newDevice(browser, 'Testare', 'settings page');
    await chooseNotifications(settings, server, ADDRESS, 'Ett mejl direkt när något händer');

    await notGiven(person, 'Gångträning med rollator ute och i trappan');
    await expect.poll(() => mailbox.messages().length, { timeout: 15_000 }).toBe(1);
    await person.waitForTimeout(1500);
    const mails = mailbox.messages();
    expect(mails.length).toBe(1);
    expect(mails[0].rcpt_tos).toEqual([ADDRESS]);
    expect(mails[0].text).toContain('Någon har skrivit att en insats inte blev av, i en plan i Samplan.');
    expect(mails[0].text).toContain(`${server.url}/plan/`);
    for (const personal of ['Anna', 'Gångträning', 'Ingen kom på tisdagen', 'Testare']) {
      expect(mails[0].raw).not.toContain(personal);
    }

    // "Inga mejl": the next report reaches the to-do, not the mailbox.
    await chooseNotifications(settings, server, ADDRESS, 'Inga mejl');
    const help = person.locator('li.help-item').filter({ hasNotText: 'Gångträning' }).first();
    await help.getByRole('button', { name: 'Det här blev inte av' }).click();
    await help.getByRole('button', { name: 'Skicka till samordnaren' }).click();
    await expect(help.locator('.help-not-given')).toBeVisible();
    await person.waitForTimeout(2500);
    expect(mailbox.messages().length).toBe(1);
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await server.stop();
    mailbox.stop();
  }
});

test('with no mail server the settings say that no mail is sent', async ({ browser }) => {
  const server = await TestServer.start();
  try {
    const page = await server.newDevice(browser, 'Testare', 'settings page');
    await page.goto(server.url + '/');
    await page.getByText('Aviseringar: vad du får veta och hur').click();
    await expect(page.getByRole('note')).toHaveText(
      'Den här servern skickar inga mejl än. Ingen e-postserver är inställd. Dina val sparas till dess.',
    );
    // The choice is kept all the same.
    await page.getByLabel('Din e-postadress').fill(ADDRESS);
    await page.getByRole('radio', { name: 'Ett mejl om dagen med allt som hänt' }).check();
    // What to be told about: everything at first; one kind turned off.
    const kinds = page.getByRole('group', { name: /Vad vill du få veta/ }).getByRole('checkbox');
    await expect(kinds).toHaveCount(8);
    for (const kind of await kinds.all()) await expect(kind).toBeChecked();
    await page.getByRole('checkbox', { name: 'Någon tar emot en inbjudan du har skickat' }).uncheck();
    await page.getByRole('button', { name: 'Spara aviseringar' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Dina val är sparade.' })).toBeVisible();
    await page.reload();
    await page.getByText('Aviseringar: vad du får veta och hur').click();
    await expect(page.getByLabel('Din e-postadress')).toHaveValue(ADDRESS);
    await expect(page.getByRole('radio', { name: 'Ett mejl om dagen med allt som hänt' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Någon tar emot en inbjudan du har skickat' })).not.toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Ett möte bokas eller flyttas' })).toBeChecked();
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await server.stop();
  }
});

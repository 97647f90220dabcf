// Web Push on the person's tablet (issue 31): the person turns on
// "Påminnelser" in Min plan, the coordinator moves the meeting, and the
// relay sends the tablet a push that says no more than the e-mail; the
// service worker shows it as a notification whose tap opens the plan; the
// person turns it off and the next event sends nothing.
//
// What stands in for what: a browser's push service is Google's, Apple's
// or Mozilla's, on the internet, which the tests cannot reach (and
// headless Chromium registers with none). So `PushManager.subscribe`
// answers with the subscription of scripts/push-sink.py, a local push
// endpoint that checks the VAPID signature and decrypts what the relay
// sends with libraries that are not the relay's (`cryptography`,
// `http_ece`). What it decrypted is then handed to the tablet's real
// service worker as a push message (the DevTools protocol's
// `ServiceWorker.deliverPushMessage`), and the test reads the
// notification the worker shows. Everything else is the app, the relay
// and the browser as they are.
import { BrowserContext, expect, Locator, Page } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test, TestServer } from './server';
import { planWithPerson } from './person-steps';

const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };

interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Delivery {
  vapid: { ok?: boolean; error?: string };
  payload?: string;
  decrypt_error?: string;
}

/** scripts/push-sink.py: a device's push endpoint, and what reached it. */
class PushSink {
  readonly dir = mkdtempSync(join(tmpdir(), 'samplan-push-'));
  private process: ChildProcess | null = null;
  subscription!: Subscription;

  async start(): Promise<void> {
    const child = spawn('python3', [join(__dirname, '../../scripts/push-sink.py'), '--dir', this.dir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.process = child;
    const lines = createInterface({ input: child.stdout! });
    this.subscription = JSON.parse(await new Promise<string>((resolve) => lines.once('line', resolve)));
  }

  deliveries(): Delivery[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Delivery);
  }

  stop(): void {
    this.process?.kill();
  }
}

/** A VAPID key as `--vapid-key-file` reads it (PKCS#8 PEM, P-256). */
function vapidKeyFile(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const path = join(mkdtempSync(join(tmpdir(), 'samplan-vapid-')), 'vapid.pem');
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  return path;
}

/** The coordinator moves the plan's meeting to `date` (the example plan has one). */
async function moveMeeting(chair: Page, date: string): Promise<void> {
  await chair.getByLabel('Datum', { exact: true }).fill(date);
  await chair.getByLabel('Klockan').fill('13:00');
  await chair.getByLabel('Klockan').press('Tab');
  await expect(chair.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 15_000 });
}

/**
 * The push service's part (see the top of this file): `subscribe` answers
 * with the sink's subscription, and keeps the server key the app passed so
 * the test can check it is the server's. As a browser does, it refuses
 * (`InvalidStateError`) while it holds a subscription made with another
 * key; with `earlierKey` the page starts with such a subscription, as a
 * tablet does after the server's key was changed. `window.ended` counts
 * the subscriptions ended.
 */
async function standInPushService(context: BrowserContext, subscription: Subscription, earlierKey?: string): Promise<void> {
  await context.addInitScript(
    ([subscription, earlierKey]: [Subscription, string | undefined]) => {
      const page = window as unknown as { serverKey: unknown; ended: number };
      page.ended = 0;
      const made = (key: unknown) => {
        const made = {
          key,
          endpoint: subscription.endpoint,
          toJSON: () => subscription,
          unsubscribe: async () => {
            if (current === made) current = null;
            page.ended += 1;
            return true;
          },
        };
        return made;
      };
      let current: { key: unknown } | null = earlierKey ? made(earlierKey) : null;
      PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
        page.serverKey = options?.applicationServerKey;
        if (!options?.userVisibleOnly || !options.applicationServerKey) {
          throw new DOMException('userVisibleOnly and applicationServerKey are required', 'NotAllowedError');
        }
        if (current && current.key !== options.applicationServerKey) {
          throw new DOMException('A subscription with a different application server key already exists.', 'InvalidStateError');
        }
        current = made(options.applicationServerKey);
        return current as unknown as PushSubscription;
      };
      PushManager.prototype.getSubscription = async function () {
        return current as unknown as PushSubscription | null;
      };
    },
    [subscription, earlierKey] as [Subscription, string | undefined],
  );
}

/**
 * The person opens "Påminnelser" in Min plan, sees that this device gets
 * none, and turns them on; then it says it gets them. The line that says
 * where the device stands.
 */
async function turnOnReminders(person: Page): Promise<Locator> {
  await person.getByRole('button', { name: 'Påminnelser', exact: true }).click();
  const state = person.getByTestId('device-push-state');
  await expect(state).toHaveText('Den här enheten får inga påminnelser när Samplan är stängd.');
  await person.getByRole('button', { name: 'Få påminnelser på den här enheten' }).click();
  await expect(person.getByRole('status').filter({ hasText: 'Klart. Den här enheten får påminnelser.' })).toBeVisible();
  await expect(state).toHaveText('Den här enheten får påminnelser, också när Samplan är stängd.');
  return state;
}

test('the person turns on reminders in Min plan, a moved meeting reaches the tablet as a push with no names, and turned off nothing more comes', async ({ browser }) => {
  const sink = new PushSink();
  await sink.start();
  const server = await TestServer.start({ args: ['--vapid-key-file', vapidKeyFile(), '--push-to-local-endpoints', '--notify-retry-secs', '1'] });
  try {
    // The invitation for the plan's person, so that the relay knows whom
    // a notice for the person goes to.
    const { chair, person } = await planWithPerson(server, browser, TABLET, 'Anna Berg');
    const context = person.context();
    await context.grantPermissions(['notifications'], { origin: server.url });
    await standInPushService(context, sink.subscription);
    await person.reload();

    const state = await turnOnReminders(person);
    const serverKey = await person.evaluate(() => (window as unknown as { serverKey: string }).serverKey);
    const published = await person.evaluate(async () => (await (await fetch('/api/push-key')).json()).public_key);
    expect(serverKey).toBe(published);

    // The coordinator moves the meeting: one push reaches the tablet's endpoint.
    await moveMeeting(chair, '2027-06-15');
    await expect.poll(() => sink.deliveries().length, { timeout: 15_000 }).toBe(1);
    const [delivery] = sink.deliveries();
    expect(delivery.vapid.ok, JSON.stringify(delivery.vapid)).toBe(true);
    expect(delivery.decrypt_error).toBeUndefined();
    const notice = JSON.parse(delivery.payload!);
    expect(notice.body).toBe('Ett möte har bokats eller flyttats, i en plan i Samplan.');
    expect(notice.url).toMatch(new RegExp(`^${server.url}/`));
    // One notification per event on the device, by a tag that says nothing.
    expect(notice.tag).toMatch(/^[0-9a-f]{16}$/);
    for (const personal of ['Anna', 'Testare', '2027', '13:00', 'Gångträning']) {
      expect(delivery.payload).not.toContain(personal);
    }

    // The tablet's service worker shows it; its words are the notice's.
    const cdp = await context.newCDPSession(person);
    const registrations = new Map<string, string>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: list }) => {
      for (const r of list) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => registrations.get(server.url + '/')).toBeDefined();
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId: registrations.get(server.url + '/')!,
      data: delivery.payload!,
    });
    const shown = () =>
      person.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          url: (n.data as { url: string }).url,
        })),
      );
    await expect.poll(shown).toEqual([{ title: 'Samplan', body: notice.body, url: notice.url }]);

    // Turned off on this device: moving the meeting again sends nothing.
    await person.getByRole('button', { name: 'Stäng av påminnelser på den här enheten' }).click();
    await expect(person.getByRole('status').filter({ hasText: 'Klart. Den här enheten får inga påminnelser längre.' })).toBeVisible();
    await expect(state).toHaveText('Den här enheten får inga påminnelser när Samplan är stängd.');
    await moveMeeting(chair, '2027-09-01');
    await person.waitForTimeout(3000);
    expect(sink.deliveries().length).toBe(1);
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await server.stop();
    sink.stop();
  }
});

test('with no push key the person is told that this server sends no reminders to devices', async ({ browser }) => {
  const server = await TestServer.start();
  try {
    const { person } = await planWithPerson(server, browser, TABLET);
    await person.getByRole('button', { name: 'Påminnelser', exact: true }).click();
    await expect(person.getByTestId('device-push-state')).toHaveText(
      'Den här servern skickar inga påminnelser till enheter. Du ser dem när du öppnar Samplan.',
    );
    await expect(person.getByRole('button', { name: 'Få påminnelser på den här enheten' })).toHaveCount(0);
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await server.stop();
  }
});

test('a subscription left from an earlier server key is ended and made anew when the person turns reminders on', async ({ browser }) => {
  const sink = new PushSink();
  await sink.start();
  const server = await TestServer.start({ args: ['--vapid-key-file', vapidKeyFile(), '--push-to-local-endpoints'] });
  try {
    const { person } = await planWithPerson(server, browser, TABLET, 'Anna Berg');
    const context = person.context();
    await context.grantPermissions(['notifications'], { origin: server.url });
    await standInPushService(context, sink.subscription, 'BEttTidigareNyckel');
    await person.reload();

    const state = await turnOnReminders(person);
    expect(await person.evaluate(() => (window as unknown as { ended: number }).ended), 'the old subscription ended').toBe(1);
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await server.stop();
    sink.stop();
  }
});

// The official JS automerge-repo client (from npm, running in Node) and the
// Rust app (wasm, in Chromium) create, find and edit the same plan through
// samplan-server.
import { expect, Page } from '@playwright/test';
import { Repo, DocHandle, updateText, AutomergeUrl, generateAutomergeUrl } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { test, TestServer } from './server';

type PlanDoc = { schema_version: number; title: string; main_goal: string };

let server: TestServer;
let repo: Repo;

test.beforeEach(async () => {
  server = await TestServer.start();
  // Plain automerge-repo clients can only put the session in the URL.
  const token = server.token();
  repo = new Repo({ network: [new WebSocketClientAdapter(`ws://127.0.0.1:${server.port}/sync?token=${token}`)] });
});

test.afterEach(async ({ browser }) => {
  // The pages go first: a page still working (the coordinator's app links
  // the person's report document after a new plan syncs) while the server
  // stops would fail to reach it, on the console, after the test.
  await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
  await repo.shutdown();
  await server.stop();
});

async function signIn(page: Page) {
  await page.context().addCookies([
    { name: 'samplan_session', value: server.token(), url: server.url, httpOnly: true, sameSite: 'Strict' },
  ]);
}

async function openInApp(page: Page, id: string) {
  await signIn(page);
  await page.goto(`${server.url}/plan/${id}`);
}

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a plan made by the JS client opens in the app, and the app\'s edits reach the JS client', async ({ page }) => {
  const handle: DocHandle<PlanDoc> = repo.create<PlanDoc>({ schema_version: 1, title: 'Från JS-klienten', main_goal: '' });
  await openInApp(page, handle.documentId);
  await expect(page.getByLabel('Planens namn')).toHaveValue('Från JS-klienten');

  await page.getByLabel('Mitt huvudmål').pressSequentially('Skrivet i appen');
  await until('the JS client to see the app\'s text', () =>
    handle.doc()?.main_goal === 'Skrivet i appen' ? true : undefined,
  );

  handle.change((d) => updateText(d, ['title'], 'Från JS-klienten, ändrad'));
  await expect(page.getByLabel('Planens namn')).toHaveValue('Från JS-klienten, ändrad');
});

test('a plan made in the app can be found and edited by the JS client', async ({ page }) => {
  await signIn(page);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Ny plan' }).click();
  await page.getByLabel('Planens namn').fill('Från appen');
  await expect(page.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible();
  const id = new URL(page.url()).pathname.split('/').pop() as string;

  // The JS adapter calls itself ready after 1 s even without a server (and
  // then reports every document unavailable); on a loaded machine its first
  // connection can take longer, so wait until it has the server as a peer.
  await until('the JS client is connected', () => (repo.peers.length > 0 ? true : undefined));
  const handle = await repo.find<PlanDoc>(`automerge:${id}` as AutomergeUrl);
  expect(handle.doc().title).toBe('Från appen');
  handle.change((d) => updateText(d, ['main_goal'], 'Skrivet i JS'));
  await expect(page.getByLabel('Mitt huvudmål')).toHaveValue('Skrivet i JS');
});

test('the JS client is told at once that an unknown plan is unavailable', async () => {
  const neverStored = generateAutomergeUrl();
  const started = Date.now();
  await expect(repo.find(neverStored)).rejects.toThrow(/unavailable/i);
  expect(Date.now() - started).toBeLessThan(5_000);
});

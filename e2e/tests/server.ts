// Starts and stops a real samplan-server (the binary built by cargo) on a
// free port with its own data directory, for one test.
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { test as base, expect } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const serverBin = process.env.SAMPLAN_SERVER_BIN ?? join(__dirname, '../../target/debug/samplan-server');
const staticDir = process.env.SAMPLAN_STATIC_DIR ?? join(__dirname, '../../app/dist');

/** Console errors a test expects (a deliberate 403), allowed by text. */
let allowedConsoleErrors: RegExp[] = [];

/**
 * Allow console errors matching `pattern` in the running test only: for
 * an error the test provokes on purpose (say so in a comment there).
 */
export function allowConsoleErrors(pattern: RegExp): void {
  allowedConsoleErrors.push(pattern);
}

/** The test takes the network away on purpose: the browser then says on
 * the console that requests and the socket cannot reach the server. */
export function allowNetworkLoss(): void {
  allowConsoleErrors(/net::ERR_INTERNET_DISCONNECTED/);
  // The browser's own request for the tab's icon, which the service worker
  // passes on to the network (it is not one of the app's files).
  allowConsoleErrors(/Failed to load resource: net::ERR_FAILED \(http:\/\/[^/]+\/favicon-32\.png\)/);
  allowChunkRetries();
}

/** A part of the app (a wasm chunk) asked for while the network or the
 * server is gone: its loader says the fetch failed, and the app asks again
 * a few seconds later (app/src/chunks.rs, `retrying`). Not a panic: that
 * stays an error. */
function allowChunkRetries(): void {
  allowConsoleErrors(/^console error: TypeError: Failed to fetch[\s\S]*__wasm_split\.js/);
}

/** The test stops the server on purpose: requests and the socket are refused meanwhile. */
export function allowServerDown(): void {
  allowConsoleErrors(/net::ERR_CONNECTION_REFUSED/);
  // Killed while the browser was fetching (a chunk, the socket's upgrade):
  // the connection is reset or never made; the app retries both.
  allowConsoleErrors(/net::ERR_CONNECTION_RESET|net::ERR_SOCKET_NOT_CONNECTED/);
  // The service worker registers itself when the page is idle: with the
  // server gone by then, the browser says it could not fetch its script
  // (it registers on the next visit).
  allowConsoleErrors(/An unknown error occurred when fetching the script|Failed to register a ServiceWorker/);
  allowChunkRetries();
}

/** A device without a session, on purpose (not signed in, shut out, its
 * plan deleted, a used link): the server answers 401, 404 or 410, and
 * refuses its socket. */
export function allowRefusedDevice(): void {
  allowConsoleErrors(/the server responded with a status of (401|404|410) /);
  allowConsoleErrors(/WebSocket connection to .* failed: HTTP Authentication failed/);
}

/**
 * Playwright's `test`, with two rules for every test:
 * - every browser context it opened is closed when it ends. The browser
 *   lives as long as the worker (all files, one worker); a context left
 *   open kept its pages reconnecting to a stopped server and being traced,
 *   which slowed every later test on two cores.
 * - an error on any page's console, or an uncaught exception, fails the
 *   test (unless allowed with `allowConsoleErrors`): a page that works
 *   while it throws is not working. Every context the test makes (with
 *   `browser.newContext`, also Playwright's own `page`) is watched.
 */
export const test = base.extend<{ closeContexts: void; consoleErrors: void }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    },
    { auto: true },
  ],
  consoleErrors: [
    async ({ browser }, use) => {
      const errors: string[] = [];
      allowedConsoleErrors = [];
      const watch = (context: BrowserContext) => {
        context.on('console', (message) => {
          if (message.type() === 'error') {
            const where = message.location().url ? ` (${message.location().url})` : '';
            errors.push(`console error: ${message.text()}${where}`);
          }
        });
        context.on('weberror', (error) => errors.push(`page error: ${error.error().message}`));
      };
      const newContext = browser.newContext;
      browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
        const context = await newContext.apply(browser, args);
        watch(context);
        return context;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      const unexpected = errors.filter((error) => !allowedConsoleErrors.some((allowed) => allowed.test(error)));
      expect(unexpected, 'errors on the browser console').toEqual([]);
    },
    { auto: true },
  ],
});

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** More for `samplan-server serve`: flags, and environment variables. */
export interface ServerOptions {
  args?: string[];
  env?: Record<string, string>;
}

export class TestServer {
  private process: ChildProcess | null = null;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'samplan-e2e-'));
  private constructor(
    readonly port: number,
    private readonly extra: ServerOptions,
  ) {}

  static async start(extra: ServerOptions = {}): Promise<TestServer> {
    const server = new TestServer(await freePort(), extra);
    await server.startAgain();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Start (again) on the same port and data directory. */
  async startAgain(): Promise<void> {
    const child = spawn(
      serverBin,
      ['serve', '--listen', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir, '--static-dir', staticDir, ...(this.extra.args ?? [])],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...(this.extra.env ?? {}) },
      },
    );
    this.process = child;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`samplan-server exited with ${child.exitCode}`);
      try {
        const response = await fetch(`${this.url}/healthz`, { cache: 'no-store' });
        if (response.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('samplan-server did not become healthy in 15 s');
  }

  /** Run `samplan-server ARGS --data-dir <ours>` and return its last line. */
  cli(...args: string[]): string {
    const output = execFileSync(serverBin, [...args, '--data-dir', this.dataDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // The server's environment too: its database (SAMPLAN_DATABASE).
      env: { ...process.env, RUST_LOG: 'warn', ...(this.extra.env ?? {}) },
    });
    return output.trim().split('\n').pop() ?? '';
  }

  /** An account (created if missing) and a new session token for it. */
  token(name = 'Testare'): string {
    try {
      this.cli('user', 'add', '--name', name, '--org', 'Testkommunen');
    } catch {
      // It exists already.
    }
    return this.cli('user', 'token', name, '--expires', '1d');
  }

  /** A browser profile signed in as the professional `name` (its own IndexedDB). */
  async signedInContext(browser: Browser, name = 'Testare'): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.addCookies([
      { name: 'samplan_session', value: this.token(name), url: this.url, httpOnly: true, sameSite: 'Strict' },
    ]);
    return context;
  }

  /** A new device (a browser profile with its own IndexedDB) signed in as
   * `name`, with a page open; its page errors are logged as `[<label> error]`. */
  async newDevice(browser: Browser, name = 'Testare', label = 'page'): Promise<Page> {
    const page = await (await this.signedInContext(browser, name)).newPage();
    page.on('pageerror', (error) => console.error(`[${label} error] ${error.message}`));
    return page;
  }

  /** Freeze the server (SIGSTOP): its sockets stay open and nothing
   * answers, as when the network is cut somewhere on the way (Chromium
   * keeps an open WebSocket through `context.setOffline(true)`). */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Let a paused server go on (SIGCONT). */
  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Stop the server: SIGTERM, or SIGKILL for a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGCONT'); // a paused server could not stop
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.process = null;
  }
}

/** A server of its own for each test of the calling file: `use` gets it
 * before the test, and it stops after. */
export function serverForEachTest(use: (server: TestServer) => void, options: () => ServerOptions = () => ({})): void {
  let current: TestServer | undefined;
  test.beforeEach(async () => {
    current = await TestServer.start(options());
    use(current);
  });
  test.afterEach(async ({ browser }) => {
    // The pages go first: a page left open while the server stops would
    // fail to reach it, on the console, after the test.
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await current?.stop();
  });
}

/** The device at `page` is restarted with no network, once its service
 * worker has kept the app's files (an open WebSocket would outlive the
 * network switch in the browser). */
export async function restartOffline(page: Page): Promise<void> {
  allowNetworkLoss();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByTestId('save-status')).toContainText('Offline', { timeout: 15_000 });
}

/** Whether this device keeps a preview of the plan open in `page`
 * (stored beside its chunks under "~preview/<id>": app/src/storage.rs). */
export async function hasPreview(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      new Promise<boolean>((resolve, reject) => {
        const request = indexedDB.open('samplan');
        request.onsuccess = () => {
          const id = decodeURIComponent(location.pathname.split('/').pop() ?? '');
          const count = request.result.transaction('chunks').objectStore('chunks').count('~preview/' + id);
          count.onsuccess = () => {
            request.result.close();
            resolve(count.result > 0);
          };
          count.onerror = () => reject(count.error);
        };
        request.onerror = () => reject(request.error);
      }),
  );
}

// A WebKit device for a test: Debian's WebKitGTK WebDriver
// (/usr/bin/WebKitWebDriver, package webkit2gtk-driver) started here on a
// free port, driving MiniBrowser (WebKitGTK, the engine of Safari) through
// the npm package selenium-webdriver. Nothing is downloaded: the session
// talks to the driver we start (`usingServer`), so Selenium Manager never
// runs. MiniBrowser needs a display: run under `xvfb-run -a`.
//
// What the driver lets us see of the page: WebKitWebDriver speaks classic
// WebDriver only (no BiDi `webSocketUrl`, no log endpoint), and MiniBrowser
// does not write console messages in automation mode. So the test puts its
// own listeners in the page (`watchErrors`) after every load: they record
// `console.error`, uncaught exceptions and unhandled rejections in
// sessionStorage, which a reload keeps. What happens before the listeners
// are in (while a page loads, until the test's next step) and the
// browser's own network messages are not seen.
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
// No types: Playwright strips the TypeScript without checking it.
import { Builder, WebDriver, WebElement } from 'selenium-webdriver';
import { freePort } from '../tests/server';

const DRIVER = process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver';

/** MiniBrowser, which Debian ships with libwebkit2gtk-4.1 under the
 * architecture's library directory. */
function miniBrowser(): string {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  for (const dir of readdirSync('/usr/lib')) {
    const path = join('/usr/lib', dir, 'webkit2gtk-4.1', 'MiniBrowser');
    if (existsSync(path)) return path;
  }
  throw new Error('MiniBrowser not found: install webkit2gtk-driver (scripts/setup.sh --tests)');
}

/** The listeners that record errors in the page (see the top of this file). */
const WATCH_ERRORS = `
  if (!window.__samplanWatched) {
    window.__samplanWatched = true;
    const record = (text) => {
      const list = JSON.parse(sessionStorage.getItem('samplan-webkit-errors') || '[]');
      list.push(text);
      sessionStorage.setItem('samplan-webkit-errors', JSON.stringify(list));
    };
    const original = console.error.bind(console);
    console.error = (...args) => { record('console error: ' + args.map(String).join(' ')); original(...args); };
    window.addEventListener('error', (event) => record('page error: ' + event.message));
    window.addEventListener('unhandledrejection', (event) => record('unhandled rejection: ' + String(event.reason)));
  }`;

export class WebKitDevice {
  private constructor(
    private readonly driverProcess: ChildProcess,
    readonly driver: WebDriver,
  ) {}

  /** Start the driver and a MiniBrowser window of a tablet's size. */
  static async start(): Promise<WebKitDevice> {
    const port = await freePort();
    const driverProcess = spawn(DRIVER, [`--port=${port}`, '--host=127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (driverProcess.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driverProcess.exitCode}`);
      try {
        if ((await fetch(`${url}/status`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('WebKitWebDriver did not start in 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      const driver = await new Builder()
        .usingServer(url)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] },
        })
        .build();
      await driver.manage().window().setRect({ width: 820, height: 1000 });
      return new WebKitDevice(driverProcess, driver);
    } catch (error) {
      driverProcess.kill();
      throw error;
    }
  }

  /** Open `url` and watch the page for errors. */
  async open(url: string): Promise<void> {
    await this.driver.get(url);
    await this.watchErrors();
  }

  /** Reload the page (the tablet turned off and on) and watch it again. */
  async reload(): Promise<void> {
    await this.driver.navigate().refresh();
    await this.watchErrors();
  }

  async watchErrors(): Promise<void> {
    await this.driver.executeScript(WATCH_ERRORS);
  }

  /** Every error recorded in the page since the session began. */
  async errors(): Promise<string[]> {
    await this.watchErrors(); // a page that navigated by itself
    return this.driver.executeScript(`return JSON.parse(sessionStorage.getItem('samplan-webkit-errors') || '[]')`);
  }

  /** Wait until `script` (a function body run in the page) returns a
   * truthy value, and return that value. */
  async waitFor<T>(what: string, script: string, timeout = 15_000, ...args: unknown[]): Promise<T> {
    let last: unknown;
    const value = await this.driver
      .wait(
        async () => {
          try {
            last = await this.driver.executeScript(script, ...args);
          } catch (error) {
            // The element found went away as it was handed over: look again.
            if ((error as Error).name !== 'StaleElementReferenceError') throw error;
            last = null;
          }
          return last;
        },
        timeout,
      )
      .catch(async (error: Error) => {
        throw new Error(
          `WebKit: waited ${timeout} ms for ${what}; last seen ${JSON.stringify(last)} (${error.message})\n` +
            `The page: ${await this.describe()}`,
        );
      });
    return value as T;
  }

  /** The visible element matching `selector` (inside `within`, if given)
   * whose text contains `text`, once there is one. */
  async element(selector: string, text: string, within = 'body'): Promise<WebElement> {
    return this.waitFor<WebElement>(
      `${selector} "${text}"`,
      `const [within, selector, text] = arguments;
       const root = document.querySelector(within);
       if (!root) return null;
       return [...root.querySelectorAll(selector)].find((e) => e.textContent.includes(text) && e.getClientRects().length > 0) || null;`,
      15_000,
      within,
      selector,
      text,
    );
  }

  /** Click the element that `element` finds. The app may put a new
   * element in its place meanwhile (Min plan's "Öppna planen" takes over
   * from the one the page showed while the app loaded): then again. */
  async click(selector: string, text: string, within = 'body'): Promise<void> {
    await this.act(selector, text, within, (element) => element.click());
  }

  /** Type `keys` into the element that `element` finds (see `click`). */
  async type(selector: string, keys: string, within = 'body'): Promise<void> {
    await this.act(selector, '', within, (element) => element.sendKeys(keys));
  }

  private async act(selector: string, text: string, within: string, action: (element: WebElement) => Promise<void>): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const element = await this.element(selector, text, within);
      try {
        return await action(element);
      } catch (error) {
        if ((error as Error).name !== 'StaleElementReferenceError' || Date.now() > deadline) throw error;
      }
    }
  }

  /** What the page shows and the errors recorded in it, for a failure's message. */
  async describe(): Promise<string> {
    try {
      const text: string = await this.driver.executeScript('return location.href + "\\n" + document.body.innerText');
      return `${text.slice(0, 2_000)}\nErrors: ${JSON.stringify(await this.errors())}`;
    } catch (error) {
      return `(not readable: ${error})`;
    }
  }

  /** The keys in the app's IndexedDB store of document chunks (app/src/storage.rs). */
  async storedKeys(): Promise<unknown> {
    return this.driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
      const request = indexedDB.open('samplan');
      request.onerror = () => done('IndexedDB cannot be opened');
      request.onsuccess = () => {
        const keys = request.result.transaction('chunks').objectStore('chunks').getAllKeys();
        keys.onsuccess = () => done(keys.result.map(String));
        keys.onerror = () => done('the keys cannot be read');
      };`);
  }

  /** The text of the save status line ("Synkat med servern" and so on). */
  async saveStatus(): Promise<string> {
    return this.driver.executeScript(`return document.querySelector('[data-testid="save-status"]')?.textContent ?? ''`);
  }

  /** Wait until the save status line says `text` (or contains it). */
  async waitForSaveStatus(text: string, timeout = 15_000): Promise<void> {
    await this.waitFor(
      `the save status "${text}"`,
      `const status = document.querySelector('[data-testid="save-status"]');
       return status && status.textContent.includes(arguments[0]) ? status.textContent : null;`,
      timeout,
      text,
    );
  }

  async close(): Promise<void> {
    await this.driver.quit().catch(() => undefined);
    this.driverProcess.kill();
  }
}

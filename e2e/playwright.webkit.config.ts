import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The WebKit tests (webkit/*.webkit.ts): the person's device is WebKitGTK
// through WebKitWebDriver (webkit/webkit.ts), the coordinator's is
// Playwright's Chromium as in the other tests. Run under `xvfb-run -a`.
export default defineConfig({
  ...base,
  testDir: './webkit',
  testMatch: '**/*.webkit.ts',
  timeout: 150_000,
});

// Temporary: a Chrome trace of opening the large plan (not committed).
import { expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { test, TestServer, hasPreview } from './server';

test.setTimeout(300_000);
test.use({ trace: 'off' });

test('trace the open', async ({ browser }) => {
  const server = await TestServer.start();
  try {
    const page = await (await server.signedInContext(browser)).newPage();
    const path = server.cli('demo', '--large', '--owner', 'Testare');
    await page.goto(server.url + path);
    await expect(page.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible({ timeout: 120_000 });
    await expect.poll(() => hasPreview(page), { timeout: 30_000 }).toBe(true);
    await page.addInitScript(() => {
      const names = ['samplan:open-from-device', 'samplan:sections-shown'];
      const seen = new Set<string>();
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (names.includes(entry.name)) seen.add(entry.name);
        if (seen.size === names.length) { observer.disconnect(); console.log('samplan-bench:shown'); }
      });
      observer.observe({ entryTypes: ['measure'] });
    });
    for (let i = 0; i < 2; i++) {
      const shown = page.waitForEvent('console', { predicate: (m) => m.text() === 'samplan-bench:shown', timeout: 60_000 });
      await page.reload({ waitUntil: 'commit' });
      await shown;
    }
    const runs = Number(process.env.TRACE_RUNS ?? 3);
    for (let i = 0; i < runs; i++) {
      await browser.startTracing(page, { categories: ['devtools.timeline', 'v8', 'blink.user_timing', 'disabled-by-default-devtools.timeline', 'loading', 'v8.execute'] });
      const shown = page.waitForEvent('console', { predicate: (m) => m.text() === 'samplan-bench:shown', timeout: 60_000 });
      await page.reload({ waitUntil: 'commit' });
      await shown;
      await page.waitForTimeout(300);
      const trace = await browser.stopTracing();
      writeFileSync(`/tmp/open-trace-${i}.json`, trace);
      const timeline = await page.evaluate(() => {
        const origin = performance.getEntriesByName('samplan:open')[0]?.startTime ?? 0;
        const at: Record<string, number> = {};
        for (const entry of performance.getEntries()) {
          if (!entry.name.startsWith('samplan:') || entry.name in at) continue;
          at[entry.name] = Math.round(entry.startTime + (entry.entryType === 'measure' ? entry.duration : 0) - origin);
        }
        return at;
      });
      console.log(JSON.stringify(timeline));
    }
  } finally {
    await server.stop();
  }
});

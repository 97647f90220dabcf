// Two relays on one PostgreSQL (issue 30): the chair's browser talks to
// relay A, the region's to relay B, as a load balancer would spread them;
// each sees the other's keystrokes live. Needs PostgreSQL: scripts/test.sh
// runs this file under scripts/with-postgres.sh; elsewhere it is skipped.
import { execFileSync } from 'node:child_process';
import { expect, Page } from '@playwright/test';
import { test, TestServer } from './server';
import { newPlanWithConsent } from './plan-steps';

const admin = process.env.SAMPLAN_TEST_DATABASE ?? '';
test.skip(!admin, 'two relays need PostgreSQL (scripts/with-postgres.sh)');

/** Type `text` into `field` key by key; after each key the other device's
 * `mirror` shows the text so far within `within` ms. */
async function typeSeenLive(field: ReturnType<Page['getByLabel']>, mirror: ReturnType<Page['getByLabel']>,
  before: string, text: string, within: number): Promise<void> {
  let sofar = before;
  for (const key of text) {
    await field.press(key === ' ' ? 'Space' : key);
    sofar += key;
    await expect(mirror).toHaveValue(sofar, { timeout: within });
  }
}

test("two relays on one PostgreSQL: the chair on A and the region on B see each other's keystrokes", async ({ browser }) => {
  const name = `samplan_e2e_${Date.now()}`;
  execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
  const database = admin.replace(/\/[^/]*$/, `/${name}`);
  const a = await TestServer.start({ env: { SAMPLAN_DATABASE: database } });
  const b = await TestServer.start({ env: { SAMPLAN_DATABASE: database } });
  try {
    const chair = await a.newDevice(browser, 'Karin Berg', 'chair on A');
    await newPlanWithConsent(chair, a.url, 'Annas plan', 'Karin Berg');
    const path = new URL(chair.url()).pathname;
    const plan = path.split('/').pop();

    // Lars Holm from the region: invited through A, joins through B.
    const invited = await fetch(`${a.url}/api/plans/${plan}/invitations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${a.token('Karin Berg')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'editor', label: 'Lars Holm', days: 14, single_use: true }),
    });
    expect(invited.status).toBe(201);
    const { link } = await invited.json();
    const redeemed = await fetch(`${b.url}/api/invitations/redeem`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${b.token('Lars Holm')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: String(link).split('#')[1] }),
    });
    expect(redeemed.status).toBe(200);
    const region = await b.newDevice(browser, 'Lars Holm', 'region on B');
    await region.goto(b.url + path);
    await expect(region.getByLabel('Planens namn')).toHaveValue('Annas plan');

    // The chair adds a goal and types it; the region sees every key.
    await chair.getByRole('button', { name: 'Lägg till mål' }).click();
    const onA = chair.getByLabel('Mål 1', { exact: true });
    const onB = region.getByLabel('Mål 1', { exact: true });
    await expect(onB).toBeVisible();
    await onA.focus();
    await typeSeenLive(onA, onB, '', 'Bo kvar', 2000);
    // And back: the region types at the end, the chair sees every key.
    await onB.focus();
    await onB.press('End');
    await typeSeenLive(onB, onA, 'Bo kvar', ' hemma', 2000);
    for (const page of [chair, region]) {
      await expect(page.getByRole('status').filter({ hasText: 'Synkat med servern' })).toBeVisible();
    }
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
    await a.stop();
    await b.stop();
  }
});

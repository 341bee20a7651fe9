import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscernProcess, type DiscernProcess } from '../e2e/support/discern-process';
import { waitFor } from '../e2e/support/wait-for';
import { chromiumAvailability, launchChromium } from '../support/chromium';

/** Screenshots of the page under test are kept here for people to look at. */
const artifacts = fileURLToPath(new URL('../../.artifacts/', import.meta.url));
const browserCheck = chromiumAvailability();
const suite = browserCheck.available ? describe : describe.skip;

interface Neighbour {
  id: string;
  label: string;
}

/** The live version and the records its training had consumed. */
async function liveVersion(url: string): Promise<{ id: string; consumed: { items: number; feedback: number } } | undefined> {
  const model = (await (await fetch(`${url}/v1/model`)).json()) as { current: { id: string; extra?: { consumed?: { items: number; feedback: number } } } | null };
  return model.current?.extra?.consumed ? { id: model.current.id, consumed: model.current.extra.consumed } : undefined;
}

async function neighbours(page: Page): Promise<Neighbour[]> {
  return page.$$eval('#results li', (rows) =>
    rows.map((row) => ({ id: (row as HTMLElement).dataset.itemId!, label: row.querySelector('.meta')!.textContent!.split(' · ')[1] })),
  );
}

suite(`web console in headless Chromium${browserCheck.available ? '' : ` (skipped: ${browserCheck.reason})`}`, () => {
  let dataDir: string;
  let service: DiscernProcess;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'discern-console-'));
    service = startDiscernProcess('start', {
      env: { DISCERN_DATA_DIR: dataDir, PORT: '0', DISCERN_BACKEND: 'wasm', EMBEDDING_DIM: '32', FEEDBACK_FRESHNESS_SECONDS: '5', FEEDBACK_TRAINING_STEPS: '40' },
      args: ['--seed', 'fashion-mnist', '--seed-limit', '200'],
    });
    [url, browser] = await Promise.all([service.url(), launchChromium()]);
    await mkdir(artifacts, { recursive: true });
    // The whole seeded catalog (2 splits × 200 items) is live in a published version.
    await waitFor('the seeded catalog in a published version', async () => (await liveVersion(url))?.consumed.items === 400, 180_000, { watch: [service], intervalMs: 1000 });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('searches by clicking an item, takes "not similar" feedback, and the next version drops that neighbour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(url);
    await page.waitForSelector('#catalog-grid button img');

    const query = page.locator('#catalog-grid button').first();
    const queryLabel = (await query.locator('span').textContent())!;
    await query.click();
    await expect.poll(() => page.$$eval('#results li', (rows) => rows.length), { timeout: 30_000 }).toBe(10);
    expect(await query.getAttribute('aria-pressed')).toBe('true');
    const before = await neighbours(page);
    const versionBefore = await page.getAttribute('#query-summary', 'data-model-version');
    // A wrong neighbour: the nearest one with another label (else the farthest shown).
    const wrong = before.find((n) => n.label !== queryLabel) ?? before.at(-1)!;
    const rankBefore = before.findIndex((n) => n.id === wrong.id);

    const notSimilar = page.getByRole('button', { name: `Not similar: ${wrong.id}` });
    for (let i = 0; i < 4; i++) {
      await notSimilar.click();
      await expect.poll(() => page.locator('#feedback-status').textContent(), { timeout: 10_000 }).toContain(`${wrong.id} is not similar`);
      await page.evaluate(() => (document.getElementById('feedback-status')!.textContent = ''));
    }
    expect(await page.locator(`#results li[data-item-id="${wrong.id}"]`).getAttribute('class')).toContain('marked-dissimilar');

    // The next version trained on that feedback; the live panel shows it.
    const trained = await waitFor('a version trained on the feedback', async () => ((await liveVersion(url))?.consumed.feedback ?? 0) >= 4 && liveVersion(url), 120_000, {
      watch: [service],
      intervalMs: 1000,
    });
    await expect.poll(() => page.getAttribute('#live-summary', 'data-live-version'), { timeout: 10_000 }).toBe(trained.id);
    await query.click();
    await expect.poll(() => page.getAttribute('#query-summary', 'data-model-version'), { timeout: 30_000 }).not.toBe(versionBefore);
    const after = await neighbours(page);
    const rankAfter = after.findIndex((n) => n.id === wrong.id);
    await page.screenshot({ path: join(artifacts, 'console.png'), fullPage: true });
    expect(rankAfter === -1 || rankAfter > rankBefore, `${wrong.id} was #${rankBefore + 1}, now #${rankAfter + 1}`).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('is usable at phone width and from the keyboard', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    await page.waitForSelector('#catalog-grid button img');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Every control has an accessible name.
    const unnamed = await page.$$eval('button, input', (controls) =>
      controls.filter((c) => !(c.getAttribute('aria-label') || c.textContent?.trim() || (c.id && document.querySelector(`label[for="${c.id}"]`)))).length,
    );
    expect(unnamed).toBe(0);
    // Tab to the first catalog item and search with Enter.
    await page.locator('#catalog-grid button').first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.$$eval('#results li', (rows) => rows.length), { timeout: 30_000 }).toBeGreaterThan(0);
    // Upload an image file (an item's own thumbnail PNG): it searches by image.
    const png = Buffer.from(await (await fetch(`${url}/v1/items/${(await neighbours(page))[0].id}/thumbnail`)).arrayBuffer());
    await page.setInputFiles('#upload', { name: 'query.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => page.locator('#query-summary').textContent(), { timeout: 30_000 }).toMatch(/^10 neighbours of query\.png/);
    await page.screenshot({ path: join(artifacts, 'console-phone.png'), fullPage: true });
  });

  it('serves the API reference at /docs offline, from /openapi.json', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await page.goto(`${url}/docs`);
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBeGreaterThan(5);
    expect(await page.locator('.info .title').textContent()).toContain('discern');
    expect(outside).toEqual([]);
  });
});

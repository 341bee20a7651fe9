import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, or CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run, decided synchronously so they register as run or as
 * skipped with the reason. Under CI (`CI` set) a missing browser is an error, not a skip.
 *
 * @example
 * const browser = chromiumAvailability();
 * describe.skipIf(!browser.available)(`console${browser.available ? '' : ` (skipped: ${browser.reason})`}`, () => { … });
 */
export function chromiumAvailability(): { available: true } | { available: false; reason: string } {
  if (existsSync(chromiumPath)) return { available: true };
  const reason = `no Chromium at ${chromiumPath}: apt-get install chromium, or set CHROMIUM_PATH`;
  if (process.env.CI) throw new Error(`CI needs Chromium for the browser tests, but ${reason}`);
  return { available: false, reason };
}

/**
 * Headless Chromium driven by playwright-core, with the flags this machine needs (no sandbox
 * as root, no background networking: nothing may leave the machine).
 *
 * @example
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

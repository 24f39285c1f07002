/**
 * Browser tests' shared set-up: the dashboard built as the gateway serves it, and Debian's Chromium driven by
 * playwright-core in a profile of the test's own (headless, no network of its own, a given time zone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const DASHBOARDS = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT = join(DASHBOARDS, '..');

/** Compiles dashboards/web and copies its assets, as `npm run build` does. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', DASHBOARDS], { stdio: 'pipe' });
  execFileSync(process.execPath, [join(DASHBOARDS, 'scripts/copy-assets.mjs')], { stdio: 'pipe' });
}

/** Chromium with its profile in `profileDir`; fails plainly when Chromium is not installed. */
export function launchChromium(profileDir: string, opts: { timezoneId?: string; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium (scripts/test.sh does)`);
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: opts.viewport ?? { width: 1300, height: 900 },
    ...(opts.timezoneId !== undefined ? { timezoneId: opts.timezoneId } : {}),
    locale: 'en-GB',
  });
}

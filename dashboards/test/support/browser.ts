/**
 * Browser tests' shared set-up: the dashboard built as the gateway serves it, and Debian's Chromium driven by
 * playwright-core in a profile of the test's own (headless, no network of its own, a given time zone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Where screenshots go: COLDTRACE_SCREENSHOT_DIR, or a `coldtrace-dashboard-screenshots-*` temp folder that is kept. */
  readonly shots: string;
  /** Closes Chromium, removes its profile and prints where the screenshots are. */
  close(): Promise<void>;
}

/** Chromium in a profile of its own (removed by close) with one page, and the screenshots folder. */
export async function browserSession(name: string, opts: Parameters<typeof launchChromium>[1] = {}): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), `coldtrace-${name}-`));
  const shots = process.env['COLDTRACE_SCREENSHOT_DIR'] ?? (await mkdtemp(join(tmpdir(), 'coldtrace-dashboard-screenshots-')));
  await mkdir(shots, { recursive: true });
  const context = await launchChromium(join(profile, 'chromium-profile'), opts);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context, page, shots,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      console.log(`${name} screenshots in ${shots}`);
    },
  };
}

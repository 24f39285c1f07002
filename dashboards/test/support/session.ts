/**
 * A browser test's own Chromium session: a temp profile, a screenshot folder (COLDTRACE_SCREENSHOT_DIR, or a
 * `coldtrace-dashboard-screenshots-*` folder under the system temp dir, kept and its path printed) and one page.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Where screenshots go. */
  readonly shots: string;
  /** Closes the browser and removes the profile; prints where the screenshots are. */
  close(): Promise<void>;
}

export async function openBrowserSession(name: string, timezoneId: string): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), `coldtrace-${name}-`));
  const shots = process.env['COLDTRACE_SCREENSHOT_DIR'] ?? (await mkdtemp(join(tmpdir(), 'coldtrace-dashboard-screenshots-')));
  await mkdir(shots, { recursive: true });
  const context = await launchChromium(join(profile, 'chromium-profile'), { timezoneId });
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

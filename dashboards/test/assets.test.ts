/** The built page preloads its modules (scripts/copy-assets.mjs, issue #16: the dashboard loads in under 1 s). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from './support/browser.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

describe('built dashboard page', () => {
  let preloaded: string[];
  beforeAll(() => {
    buildDashboard();
    preloaded = [...readFileSync(join(DIST, 'index.html'), 'utf8').matchAll(/<link rel="modulepreload" href="\.\/([^"]+)">/g)].map((m) => m[1]!);
  }, 120_000);

  it('preloads the modules main.js imports, directly and through others, each once', () => {
    // api.js and live-page.js directly; render-devices.js through live-page.js; model.js through several.
    expect(preloaded).toEqual(expect.arrayContaining(['api.js', 'live-page.js', 'render-devices.js', 'model.js']));
    expect(new Set(preloaded).size).toBe(preloaded.length);
    expect(preloaded).not.toContain('main.js');
  });

  it('preloads only files that exist', () => {
    for (const m of preloaded) expect(existsSync(join(DIST, m)), m).toBe(true);
  });
});

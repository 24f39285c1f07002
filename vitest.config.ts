import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The dashboard imports uPlot as the file the build copies beside its modules (dashboards/scripts/copy-assets.mjs);
    // tests that load the page's modules from source take it from the package.
    alias: [{ find: /^\.\/vendor\/uPlot\.esm\.js$/, replacement: fileURLToPath(new URL('./node_modules/uplot/dist/uPlot.esm.js', import.meta.url)) }],
  },
  test: {
    include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

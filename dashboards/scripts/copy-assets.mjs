// Copies the page's static files next to the compiled modules: tsc emits only .js, the gateway serves web/dist.
// Run after `tsc -b dashboards` (the `build` script of this workspace does both).
//
// index.html gets a <link rel="modulepreload"> for every module main.js imports, directly or not (issue #16: the
// dashboard loads in under 1 s). Without them the browser learns of a module only once its importer has arrived,
// and the page's ~40 modules came in five round trips before the first request for data (~450 ms of a ~750 ms load
// with 500 devices on a loaded machine); with them, in one.
//
// The chart library (uPlot, issue #16) is copied from its package as it is published, its ES module build and its
// style sheet, into dist/vendor: chart-panel.ts imports ./vendor/uPlot.esm.js (web/src/vendor/uPlot.esm.d.ts types it).
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const dist = join(web, 'dist');
await mkdir(join(dist, 'vendor'), { recursive: true });
await copyFile(join(web, 'styles.css'), join(dist, 'styles.css'));
const uplot = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
await copyFile(join(uplot, 'uPlot.esm.js'), join(dist, 'vendor', 'uPlot.esm.js'));
await copyFile(join(uplot, 'uPlot.min.css'), join(dist, 'vendor', 'uPlot.min.css'));

/** Modules main.js imports statically, directly or not, in the order they are first met. */
async function importedBy(entry) {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const text = await readFile(join(dist, queue.shift()), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"]\.\/([^'"]+\.js)['"]/gm)) {
      if (!seen.has(m[1])) {
        seen.add(m[1]);
        queue.push(m[1]);
      }
    }
  }
  seen.delete(entry);
  return [...seen];
}

const SCRIPT = '<script type="module" src="./main.js"></script>';
const html = await readFile(join(web, 'index.html'), 'utf8');
if (!html.includes(SCRIPT)) throw new Error(`copy-assets: index.html no longer loads ${SCRIPT}`);
const preload = (await importedBy('main.js')).map((m) => `<link rel="modulepreload" href="./${m}">`).join('\n  ');
await writeFile(join(dist, 'index.html'), html.replace(SCRIPT, `${SCRIPT}\n  ${preload}`));

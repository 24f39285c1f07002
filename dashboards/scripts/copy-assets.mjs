// Copies the page's static files next to the compiled modules: tsc emits only .js, the gateway serves web/dist.
// Run after `tsc -b dashboards` (the `build` script of this workspace does both).
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const dist = join(web, 'dist');
await mkdir(dist, { recursive: true });
for (const file of ['index.html', 'styles.css']) await copyFile(join(web, file), join(dist, file));

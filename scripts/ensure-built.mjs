// Installs npm dependencies when missing and builds every workspace (incremental: fast when nothing changed).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`coldtrace: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const marker = `${root}node_modules/.package-lock.json`;
if (!existsSync(marker) || statSync(`${root}package-lock.json`).mtimeMs > statSync(marker).mtimeMs) {
  console.log('coldtrace: installing npm dependencies (first run; native modules compile, allow a few minutes)');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}
run(npm, ['run', '--silent', 'build']);

// npm run backup -- [DATA_DIR] [DEST_DIR]: consistent online copies of the gateway's SQLite files (telemetry,
// quarantine and status log, spool) while the gateway keeps running (SQLite's online backup API), the signing key
// of its checkpoints and exports (docs/security.md "Tamper evidence"), kept private (mode 0600), and the photos on
// disk (docs/photos.md "Storage").
import Database from 'better-sqlite3';
import { constants, copyFileSync, chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dataDir = resolve(process.argv[2] ?? process.env.COLDTRACE_DATA_DIR ?? '.data/gateway');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dest = resolve(process.argv[3] ?? join('.data', 'backups', stamp));
if (!existsSync(dataDir)) {
  console.error(`backup: ${dataDir} does not exist`);
  process.exit(1);
}
mkdirSync(dest, { recursive: true });
const files = readdirSync(dataDir).filter((f) => f.endsWith('.db'));
if (files.length === 0) {
  console.error(`backup: no .db files in ${dataDir}`);
  process.exit(1);
}
for (const f of files) {
  const db = new Database(join(dataDir, f), { readonly: true, fileMustExist: true });
  await db.backup(join(dest, f));
  const check = new Database(join(dest, f), { readonly: true });
  const ok = check.pragma('integrity_check', { simple: true });
  check.close();
  db.close();
  console.log(`backup: ${f} -> ${join(dest, f)} (integrity: ${ok})`);
  if (ok !== 'ok') process.exit(1);
}
// The Ed25519 key that signed the checkpoints: without it a restored gateway would make a new one, and its
// checkpoints would no longer be signed by the key the old ones (and every signed export) name.
const key = join(dataDir, 'integrity', 'signing-key.pem');
if (existsSync(key)) {
  mkdirSync(join(dest, 'integrity'), { recursive: true, mode: 0o700 });
  copyFileSync(key, join(dest, 'integrity', 'signing-key.pem'));
  chmodSync(join(dest, 'integrity', 'signing-key.pem'), 0o600);
  console.log(`backup: integrity/signing-key.pem -> ${join(dest, 'integrity', 'signing-key.pem')} (private: keep the backup private)`);
}
// Photos on disk, after the databases: a photo's blob is stored before its record is committed and never removed,
// so every record in the copies above finds its blob here. Files are immutable (named by their hash); a leftover
// temporary file of an interrupted write (.tmp-*) is not a photo and is not copied.
const photos = join(dataDir, 'photos');
if (existsSync(photos)) {
  let copied = 0;
  for (const entry of readdirSync(photos, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.tmp-')) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(dest, 'photos', from.slice(photos.length + 1));
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(from, to, constants.COPYFILE_EXCL);
    copied += 1;
  }
  console.log(`backup: photos -> ${join(dest, 'photos')} (${copied} files)`);
}

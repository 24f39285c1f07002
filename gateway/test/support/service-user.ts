/**
 * Test support for servers that drop privileges. Debian's Mosquitto, started as root, switches to its own user
 * (`mosquitto`) before it reads the password and ACL files; files inside a checkout that only root can enter (a clone
 * under a 0700 directory such as root's home or a `mktemp -d`) are then unreadable to it. Tests copy what such a
 * server reads into a private temp dir and hand that dir to the server's user: still private, but readable by the
 * one process that needs it. Run as another user, servers keep that user and nothing needs handing over.
 */
import { chown } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** uid and gid of a local user from /etc/passwd, or undefined when there is no such user. */
export function localUser(name: string): { uid: number; gid: number } | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** When running as root, makes `dir` and `files` in it belong to `user` (their modes stay as they are). */
export async function handToServiceUser(dir: string, files: readonly string[], user: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const u = localUser(user);
  if (u === undefined) return; // the server then stays root, and root reads anything
  await chown(dir, u.uid, u.gid);
  for (const f of files) await chown(join(dir, f), u.uid, u.gid);
}

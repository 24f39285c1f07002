/**
 * A pair of linked pseudo-terminals from socat, so a simulator can write to one end and a real serial source read
 * the other, through the kernel's tty layer (docs/engineering.md 14: tests use real ttys).
 *
 *     socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N). */
  readonly a: string;
  /** Path of the other end. */
  readonly b: string;
  /** Stops socat and removes the links (and the temp dir, if it created one). */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Directory for the links. Default: a new temp dir, removed on close. */
  readonly dir?: string;
  /** Link names inside `dir`. Default `a` and `b`. */
  readonly names?: readonly [string, string];
  /** How long to wait for socat to create both links, ms. Default 5000. */
  readonly timeoutMs?: number;
  /** socat executable. Default `socat` on PATH. */
  readonly socat?: string;
}

export class PtyError extends Error {
  constructor(
    readonly code: 'E_SOCAT_MISSING' | 'E_SOCAT_FAILED' | 'E_SOCAT_TIMEOUT',
    message: string,
  ) {
    super(message);
    this.name = 'PtyError';
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts socat and resolves once both pty links exist and socat is transferring data. */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'coldtrace-pty-')));
  const [na, nb] = options.names ?? ['a', 'b'];
  const a = join(dir, na);
  const b = join(dir, nb);
  const timeoutMs = options.timeoutMs ?? 5000;
  const child = spawn(options.socat ?? 'socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let ready = false;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Keep only the tail: socat -d -d logs every transfer error for the life of the pair.
    stderr = (stderr + chunk).slice(-4000);
    if (stderr.includes('starting data transfer loop')) ready = true;
  });

  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: Error): void => {
        if (timer) clearTimeout(timer);
        reject(err);
      };
      child.once('error', (err: NodeJS.ErrnoException) =>
        fail(err.code === 'ENOENT'
          ? new PtyError('E_SOCAT_MISSING', 'socat is not installed or not on PATH: install it (apt-get install socat); serial tests need real ptys')
          : new PtyError('E_SOCAT_FAILED', `socat failed to start: ${err.message}`)),
      );
      child.once('exit', (code, signal) => fail(new PtyError('E_SOCAT_FAILED', `socat exited (${code ?? signal}) before the ptys were ready: ${stderr.trim()}`)));
      const poll = (): void => {
        if (ready && existsSync(a) && existsSync(b)) {
          child.removeAllListeners('exit');
          resolve();
        } else if (Date.now() > deadline) {
          fail(new PtyError('E_SOCAT_TIMEOUT', `socat did not create ${a} and ${b} within ${timeoutMs} ms: ${stderr.trim()}`));
        } else timer = setTimeout(poll, 10);
      };
      poll();
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { a, b, close: cleanup };
}

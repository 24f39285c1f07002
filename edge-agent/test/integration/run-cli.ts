/** The built CLI (dist/main.js) run as a child process, for the CLI integration tests. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve(import.meta.dirname, '../../dist/main.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/main.js ...args` to its exit and collects its output. */
export function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

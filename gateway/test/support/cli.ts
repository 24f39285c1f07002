/** Test support: the gateway's built command-line tools (dist/cli/NAME.js) run as child processes. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A runner of `node gateway/dist/cli/{name}.js ARGS` (with `env` added to this process's), resolving with its exit code and output. */
export function builtCli(name: string): (args: string[], env?: Readonly<Record<string, string>>) => Promise<CliResult> {
  const script = fileURLToPath(new URL(`../../dist/cli/${name}.js`, import.meta.url));
  return (args, env) => new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }));
  });
}

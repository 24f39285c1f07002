/** Test support: a real Mosquitto broker (Debian package `mosquitto`) on a free loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influx-servers.js';
import { handToServiceUser } from './service-user.js';

const BIN = '/usr/sbin/mosquitto';

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  /** Its private directory (handed to the broker's user): files it reads go here. */
  readonly dir: string;
  /** Its pid_file. */
  readonly pidFile: string;
  /** SIGSTOP: the broker keeps its connections and answers nothing until `resume()`. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface MosquittoOptions {
  /** Lines added to mosquitto.conf (`{dir}` stands for its directory); with any, anonymous clients are refused. */
  readonly config?: readonly string[];
  /** Files written into its directory before it starts (name -> text), e.g. a password file. */
  readonly files?: Readonly<Record<string, string>>;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  if (!existsSync(BIN)) throw new Error(`${BIN} not found: install the Debian package 'mosquitto' (apt-get install mosquitto)`);
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const pidFile = join(dir, 'mosquitto.pid');
  const files = Object.entries(options.files ?? {});
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  writeFileSync(conf, [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.config === undefined}`,
    `pid_file ${pidFile}`,
    ...(options.config ?? []).map((l) => l.replaceAll('{dir}', dir)),
    'persistence false',
    // Queue plenty for a replica that is restarting; the default (1000) would drop messages in the tests' bursts.
    'max_queued_messages 1000000',
    'max_inflight_messages 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ].join('\n'));
  await handToServiceUser(dir, ['mosquitto.conf', ...files.map(([name]) => name)], 'mosquitto');
  const child: ChildProcess = spawn(BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`mosquitto did not listen on ${port}: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`, port, dir, pidFile,
    pause: () => { child.kill('SIGSTOP'); },
    resume: () => { child.kill('SIGCONT'); },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/**
 * Test support: a real SMTP server (gateway/test/support/smtp-server.py on Debian's python3-aiosmtpd, which
 * scripts/test.sh installs) in its own temp dir, and the messages it received parsed back with mailparser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';

const SCRIPT = fileURLToPath(new URL('./smtp-server.py', import.meta.url));

export interface ReceivedMail {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly mail: ParsedMail;
}

export interface SmtpServer {
  readonly port: number;
  /** Every message received so far, in order. */
  received(): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpServer(options: { refuse?: boolean } = {}): Promise<SmtpServer> {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-smtp-'));
  const child: ChildProcess = spawn('/usr/bin/python3', [SCRIPT, dir, ...(options.refuse === true ? ['--refuse'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (l) => resolve((JSON.parse(l) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`SMTP server exited with ${code}: ${stderr} (python3-aiosmtpd installed? scripts/test.sh installs it)`)));
  });
  return {
    port,
    received: async () => {
      const out: ReceivedMail[] = [];
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.eml')).sort()) {
        const envelope = JSON.parse(readFileSync(join(dir, f.replace(/\.eml$/, '.json')), 'utf8')) as ReceivedMail['envelope'];
        out.push({ envelope, mail: await simpleParser(readFileSync(join(dir, f))) });
      }
      return out;
    },
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

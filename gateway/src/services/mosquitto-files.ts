/**
 * Keeps an external Mosquitto's password and ACL files in step with the gateway's MQTT credentials (docs/security.md,
 * "External broker"): written at start and after every issue, rotation and revocation, each file replaced whole by a
 * rename (Mosquitto never reads half a file), then Mosquitto told to reload them (SIGHUP to the process in its pid
 * file) when it runs on this host. Writes never overlap: a change during a write is written right after it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { mosquittoHash } from '../domain/devices/password-hash.js';
import { mosquittoAcl, mosquittoPasswd } from '../domain/devices/mosquitto-files.js';
import type { CredentialService } from './credentials.js';

export interface MosquittoFilesOptions {
  readonly passwordFile: string;
  readonly aclFile: string;
  /** The gateway's own user on that broker (COLDTRACE_MQTT_USERNAME / _PASSWORD), hashed into the password file. */
  readonly gateway?: { readonly username: string; readonly password: string };
  /** Mosquitto's `pid_file`: the process to send SIGHUP after each write. */
  readonly pidFile?: string;
}

export class MosquittoFiles {
  private running: Promise<void> | undefined;
  private again = false;
  /** The gateway's hash is made once: a new salt at every write would rewrite the file with no change. */
  private readonly gatewayHash: string | undefined;

  constructor(private readonly credentials: Pick<CredentialService, 'live' | 'onChange'>, private readonly options: MosquittoFilesOptions, private readonly log: Logger) {
    this.gatewayHash = options.gateway !== undefined ? mosquittoHash(options.gateway.password, randomBytes(12)) : undefined;
  }

  /** Writes now and after every credential change. */
  async start(): Promise<void> {
    this.credentials.onChange(() => void this.write().catch((e: unknown) => this.log.error({ err: (e as Error).message }, 'Mosquitto files not written')));
    await this.write();
  }

  /** Writes both files (and has Mosquitto reload them); resolves once what was current at the call is written. */
  write(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.writeOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async writeOnce(): Promise<void> {
    const live = await this.credentials.live();
    const g = this.options.gateway;
    const gateway = g !== undefined && this.gatewayHash !== undefined ? { username: g.username, hash: this.gatewayHash } : undefined;
    await replace(this.options.passwordFile, mosquittoPasswd(live.map((r) => ({ username: r.username, hash: r.mosquitto })), gateway));
    await replace(this.options.aclFile, mosquittoAcl(live.map((r) => r.username), g?.username));
    this.log.info({ users: live.length, passwordFile: this.options.passwordFile, aclFile: this.options.aclFile }, 'Mosquitto password and ACL files written');
    if (this.options.pidFile !== undefined) await this.reload(this.options.pidFile);
  }

  private async reload(pidFile: string): Promise<void> {
    try {
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no process id in ${pidFile}`);
      process.kill(pid, 'SIGHUP');
    } catch (e) {
      this.log.warn({ pidFile, err: (e as Error).message }, 'Mosquitto not told to reload its password and ACL files');
    }
  }
}

/** Replaces `path` whole: a new file beside it, then a rename. Readable by its owner and group (the broker's). */
async function replace(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o640 });
  await rename(tmp, path);
}

/**
 * Commands from the gateway about scans (contract scan.ts, issue #21): a read refused at the door. The node shows
 * it in its log (a warning naming the scanner, the batch and why) and counts it, so whoever stands at the door can
 * be told; a command that does not match the contract is counted and logged, never acted on.
 */
import { ScanCommandSchema, type ScanCommand } from '@coldtrace/contract';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Logger } from 'pino';

const check = TypeCompiler.Compile(ScanCommandSchema);

export class ScanCommands {
  /** Refusals received, in order of arrival (the last 100). */
  readonly recent: ScanCommand[] = [];
  refused = 0;
  invalid = 0;

  /** `tell`: hands a refusal to the scanner source of its device, to beep (agent.ts). */
  constructor(private readonly log: Logger, private readonly tell: (command: ScanCommand) => void = () => undefined) {}

  readonly onMessage = (payload: Buffer): void => {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (!check.Check(body)) {
      this.invalid++;
      this.log.warn({ bytes: payload.length }, 'a scan command that is not contract v1 was ignored');
      return;
    }
    this.refused++;
    this.recent.push(body);
    if (this.recent.length > 100) this.recent.shift();
    this.log.warn({ device: body.device, batch: body.batch, code: body.code, flag: body.flag }, `refused at the door: ${body.batch}: ${body.reason}`);
    this.tell(body);
  };
}

/**
 * LLRP 1.0.1 messages (EPCglobal Low Level Reader Protocol) encoded and decoded by `llrpjs`, the maintained LLRP
 * library for Node (MIT): its generated type definitions of every core message and parameter, its JSON form
 * (LTK-XML mapped one to one). Only its codec is used; framing and transactions are ours (connection.ts says why).
 *
 * llrpjs publishes its TypeScript sources as its typings, which do not compile under this repository's strict
 * settings (verbatimModuleSyntax, strictNullChecks), so it is loaded with `require` and typed here by the subset
 * we use (the reader simulator in simulators/ types its server side the same way).
 */
import { createRequire } from 'node:module';

/** A message in llrpjs' JSON form: `{ id, type, data }`; timestamps come back as ISO 8601 text with microseconds. */
export interface LlrpJsonMessage {
  readonly id: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

interface LlrpjsMessage {
  encode(): { getBuffer(): Buffer };
  getName(): string;
  getMessageId(): number;
  decode(): LlrpjsMessage;
  toLLRPData(): LlrpJsonMessage;
}

type LlrpjsMessageClass = new (m: { id?: number; data?: Record<string, unknown> }) => LlrpjsMessage;

interface Llrpjs {
  readonly LLRPCore: Readonly<Record<string, LlrpjsMessageClass>>;
  readonly LLRPMessage: new (b: Buffer) => LlrpjsMessage;
}

const llrpjs = createRequire(import.meta.url)('llrpjs') as Llrpjs;

/** Least length of an LLRP message: the header (version and type, length, message id), bytes. */
export const LLRP_HEADER_BYTES = 10;

/** The message `type` (a core message name, e.g. `ADD_ROSPEC`) with `data`, ready to send. */
export function llrpMessage(type: string, id: number, data: Record<string, unknown> = {}): LlrpjsMessage {
  const Class = llrpjs.LLRPCore[type];
  if (Class === undefined) throw new Error(`llrpjs knows no LLRP message ${type}`);
  return new Class({ id, data });
}

/** A message as bytes on the wire. Throws on data that does not fit the message's definition. */
export function encodeLlrp(type: string, id: number, data: Record<string, unknown> = {}): Buffer {
  return llrpMessage(type, id, data).encode().getBuffer();
}

/** One whole frame (header included) to its JSON form. Throws on bytes the definitions do not allow. */
export function decodeLlrp(frame: Buffer): LlrpJsonMessage {
  return new llrpjs.LLRPMessage(frame).decode().toLLRPData();
}

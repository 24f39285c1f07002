#!/usr/bin/env node
/**
 * coldtrace-agent --config FILE [--check]
 *
 * Exit codes: 0 ok (or config valid with --check); 1 config invalid/unreadable (every problem printed to
 * stderr); 2 usage error; 3 start-up failure. SIGINT/SIGTERM stop cleanly: sources stop, the outbox is flushed
 * as far as the broker allows within a few seconds, the retained offline status is published.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startAgent } from './agent.js';
import { ConfigError, loadConfig } from './config/load.js';

const USAGE = 'usage: coldtrace-agent --config FILE [--check]';

function version(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string', short: 'c' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  const file = args.values.config;
  if (file === undefined) {
    console.error(USAGE);
    return 2;
  }
  let config;
  // Warnings about a valid config: printed by --check, logged once the agent's logger exists otherwise.
  const warnings: string[] = [];
  try {
    config = await loadConfig(file, process.env, { warn: (w) => warnings.push(w) });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${file}: ${err.problems.length} problem(s) (${err.code})`);
      for (const p of err.problems) console.error(`  ${p}`);
      return 1;
    }
    throw err;
  }
  if (args.values.check) {
    for (const w of warnings) console.error(`${file}: warning: ${w}`);
    console.log(`${file}: ok (${config.sources.length} source(s)${warnings.length > 0 ? `, ${warnings.length} warning(s)` : ''})`);
    return 0;
  }
  const log = pino({ name: 'coldtrace-agent', level: config.logLevel });
  for (const w of warnings) log.warn({ config: file }, w);
  const v = version();
  let agent;
  try {
    agent = await startAgent(config, { log, ...(v !== undefined ? { version: v } : {}) });
  } catch (err) {
    log.fatal({ err: (err as Error).message, code: (err as { code?: string }).code }, 'agent failed to start');
    return 3;
  }
  log.info({ site: config.site, node: config.node, boot: agent.boot, dataDir: config.dataDir }, 'agent started');
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      agent.stop().then(
        () => resolve(0),
        (err: unknown) => {
          log.error({ err: (err as Error).message }, 'error while stopping');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 3;
  },
);

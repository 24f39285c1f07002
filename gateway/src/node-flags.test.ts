import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS, missingNodeFlags } from './node-flags.js';

describe('missingNodeFlags', () => {
  it('names the flags neither the command line nor NODE_OPTIONS sets', () => {
    expect(missingNodeFlags([], undefined)).toEqual(GATEWAY_NODE_FLAGS);
    expect(missingNodeFlags(['--enable-source-maps'], '--max-old-space-size=512')).toEqual(GATEWAY_NODE_FLAGS);
  });

  it('accepts an operator\'s own value, from either place, in either spelling', () => {
    expect(missingNodeFlags(['--max-semi-space-size=64'], undefined)).toEqual([]);
    expect(missingNodeFlags([], '--inspect  --max-semi-space-size=16')).toEqual([]);
    expect(missingNodeFlags(['--max_semi_space_size=8'], '')).toEqual([]);
  });
});

describe('the coldtrace-gateway bin', () => {
  it('passes the flags in its shebang', async () => {
    const { readFileSync } = await import('node:fs');
    const first = readFileSync(new URL('./main.ts', import.meta.url), 'utf8').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
  });
});

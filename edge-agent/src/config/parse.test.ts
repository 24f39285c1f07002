import { describe, expect, it } from 'vitest';
import { parseJson, parseYaml, quoteHint } from './parse.js';

function problemsOf(text: string): string[] {
  const r = parseYaml(text, 'a.yaml');
  return r.ok ? [] : r.problems;
}

describe('parseYaml', () => {
  it('parses a valid document', () => {
    expect(parseYaml('unit: "%RH"\nr: [{ a: 0x10 }]\n', 'a.yaml')).toEqual({ ok: true, value: { unit: '%RH', r: [{ a: 16 }] } });
  });

  it.each([
    { name: '% (unit: %RH)', text: 'metric: humidity\nunit: %RH\n', problem: /^a\.yaml:2:7: Plain value cannot start with directive indicator character %; quote the value: unit: "%RH"$/ },
    { name: '% in a flow mapping', text: 'r:\n  - { metric: humidity, unit: %RH, type: int16 }\n', problem: /^a\.yaml:2:31: .*; quote the value: unit: "%RH"$/ },
    { name: '% in a sequence', text: '- %RH\n', problem: /^a\.yaml:1:3: .*; quote the value: "%RH"$/ },
    { name: '@', text: 'host: @gw # the gateway\n', problem: /^a\.yaml:1:7: Plain value cannot start with reserved character @; quote the value: host: "@gw"$/ },
    { name: 'backtick', text: 'unit: `C`\n', problem: /^a\.yaml:1:7: .*; quote the value: unit: "`C`"$/ },
    { name: '|', text: 'unit: |RH\n', problem: /^a\.yaml:1:8: .*; quote the value: unit: "\|RH"$/ },
    { name: '>', text: 'unit: >RH\n', problem: /^a\.yaml:1:8: .*; quote the value: unit: ">RH"$/ },
    { name: '* (an alias of no anchor)', text: 'unit: *RH\n', problem: /^a\.yaml:1:7: \*RH refers to an anchor &RH that is not defined; quote the value: unit: "\*RH"$/ },
    { name: '& (an anchor with no value)', text: 'unit: &RH\nx: 1\n', problem: /^a\.yaml:1:7: &RH is an anchor with no value; quote the value: unit: "&RH"$/ },
    { name: '! (an unknown tag)', text: 'unit: !RH\n', problem: /^a\.yaml:1:7: Unresolved tag: !RH; quote the value: unit: "!RH"$/ },
  ])('points at a value starting with $name and says to quote it', ({ text, problem }) => {
    expect(problemsOf(text)).toEqual([expect.stringMatching(problem)]);
  });

  it('lists every problem in file order', () => {
    expect(problemsOf('a: %x\nb: ok\nc: @y\n').map((p) => p.split(': ')[0])).toEqual(['a.yaml:1:4', 'a.yaml:3:4']);
  });

  it.each([
    { name: 'a tab indent', text: 'a:\n\tb: 1\n', hint: /indent with spaces/ },
    { name: 'an unquoted ": " in a value', text: 'a: b: c\n', hint: /^a\.yaml:1:4: .*; a value that contains ": " must be quoted$/ },
    { name: 'a duplicate key', text: 'a: 1\na: 2\n', hint: /^a\.yaml:2:1: .*; give each key once per mapping$/ },
    { name: 'an unclosed flow sequence', text: 'a: [1, 2\nb: 3\n', hint: /^a\.yaml:\d+:\d+: / },
  ])('says where and what to do for $name', ({ text, hint }) => {
    expect(problemsOf(text)).toEqual(expect.arrayContaining([expect.stringMatching(hint)]));
  });

  it('keeps anchors and aliases that are used as YAML means them', () => {
    expect(parseYaml('base: &b { unit: Cel }\nother: *b\n', 'a.yaml')).toEqual({ ok: true, value: { base: { unit: 'Cel' }, other: { unit: 'Cel' } } });
  });
});

describe('quoteHint', () => {
  it.each([
    { text: 'unit: %RH', offset: 6, hint: 'quote the value: unit: "%RH"' },
    { text: 'unit: 50%RH', offset: 6, hint: undefined },
    { text: 'x: { unit: @a b, y: 1 }', offset: 11, hint: 'quote the value: unit: "@a b"' },
  ])('$text → $hint', ({ text, offset, hint }) => {
    expect(quoteHint(text, offset)).toBe(hint);
  });
});

describe('parseJson', () => {
  it('names the line and column of a syntax error', () => {
    const r = parseJson('{\n  "a": 1,\n}', 'a.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.stringMatching(/^a\.json:3:1: Expected double-quoted property name$/)]);
  });
});

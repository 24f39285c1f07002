import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNotifyPolicy } from './notify-config.js';

const dir = mkdtempSync(join(tmpdir(), 'coldtrace-notify-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const YAML = `channels:
  - { name: mail, kind: email, from: ct@example.com, host: smtp.example.com }
recipients:
  - { id: ana, contacts: { mail: ana@example.com } }
policies:
  - { id: all, steps: [{ notify: [ana] }] }
`;

describe('loadNotifyPolicy', () => {
  it('reads YAML by its name and JSON otherwise', () => {
    const problems: string[] = [];
    expect(loadNotifyPolicy(file('p.yaml', YAML), problems)?.recipients.map((r) => r.id)).toEqual(['ana']);
    expect(loadNotifyPolicy(file('p.json', JSON.stringify({ channels: [], recipients: [], policies: [] })), problems)?.policies).toEqual([]);
    expect(problems).toEqual([]);
  });

  it.each([
    ['a file that is not there', () => join(dir, 'nope.json'), "COLDTRACE_NOTIFY_CONFIG: cannot read '"],
    ['YAML that does not parse', () => file('bad.yml', 'channels: [\n'), "is not valid YAML"],
    ['JSON that does not parse', () => file('bad.json', '{'), 'is not valid JSON'],
    ['a policy with mistakes, each listed with the file', () => file('wrong.yaml', YAML.replace('kind: email', 'kind: pager')), 'wrong.yaml): channels[0].kind: expected one of email, webhook, log'],
  ])('lists %s as a problem', (_w, path, problem) => {
    const problems: string[] = [];
    expect(loadNotifyPolicy(path(), problems)).toBeUndefined();
    expect(problems.join('\n')).toContain(problem);
  });
});

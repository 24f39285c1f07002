/** The layering lint rule (scripts/lint/layers.mjs) run through ESLint with the repository's own configuration. */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: `${root}gateway/src/${file}` });
  return (res?.messages ?? []).filter((m) => m.ruleId === 'coldtrace/layers').map((m) => m.message);
}

describe('layers lint rule', () => {
  it.each([
    ['domain/custody/x.ts', "import type { Clock } from '../../ports/clock.js';\nexport type C = Clock;\n", 'domain/ may not import ports/'],
    ['domain/x.ts', "import { loadGatewayConfig } from '../config.js';\nexport const c = loadGatewayConfig;\n", 'domain/ may not import the composition root'],
    ['domain/x.ts', "import { startGateway } from '@coldtrace/gateway';\nexport const s = startGateway;\n", "the domain imports nothing of ours"],
    ['ports/x.ts', "import type { IngestService } from '../services/ingest.js';\nexport type I = IngestService;\n", 'ports/ may not import services/'],
    ['services/x.ts', "import { SqliteQuarantine } from '../adapters/sqlite/quarantine.js';\nexport const q = SqliteQuarantine;\n", 'services/ may not import adapters/'],
    ['http/routes/x.ts', "import { openDatabase } from '../../adapters/sqlite/database.js';\nexport const o = openDatabase;\n", 'http/ may not import adapters/'],
  ])('refuses %s importing the wrong layer', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['domain/custody/x.ts', "import type { StoredReading } from '../reading.js';\nimport type { ParsedTopic } from '@coldtrace/contract';\nexport type R = StoredReading | ParsedTopic;\n"],
    ['services/x.ts', "import type { Clock } from '../ports/clock.js';\nimport type { StoredReading } from '../domain/reading.js';\nexport type C = Clock | StoredReading;\n"],
    ['gateway.ts', "import { openDatabase } from './adapters/sqlite/database.js';\nexport const o = openDatabase;\n"],
    ['services/x.test.ts', "import { openDatabase } from '../adapters/sqlite/database.js';\nexport const o = openDatabase;\n"],
  ])('lets %s import what its layer may', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

/** The scan log (issue #21, docs/scans.md): every read with what it did to custody, and why when it did nothing. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ScanCodeSchema } from '@coldtrace/contract';
import { SCAN_OUTCOMES, type ScanLog, type ScanOutcome } from '../../ports/scans.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const ScanItem = Type.Object({
  id: Type.Integer({ description: 'Log id: pass as `before` for the next page' }),
  site: Type.String(), node: Type.String(), device: Type.String(), seq: Type.Integer(), index: Type.Integer({ description: 'Position of the read in its message' }),
  time: Type.String({ description: 'Device time of the read' }), receivedAt: Type.String(),
  via: Type.Union([Type.Literal('barcode'), Type.Literal('rfid')]), raw: Type.String({ description: 'The code as read' }),
  code: Type.Optional(ScanCodeSchema), batch: Type.Optional(Type.String()),
  outcome: Type.Union(SCAN_OUTCOMES.map((o) => Type.Literal(o))),
  reasonCode: Type.Optional(Type.String()), reason: Type.Optional(Type.String()),
  placement: Type.Optional(Type.String({ description: 'The placement it opened or ended' })),
  createdBatch: Type.Optional(Type.Boolean({ description: 'The batch was created from this code' })),
});

export function registerScanRoutes(app: FastifyInstance, opts: { deps: { scans: Pick<ScanLog, 'list'> } }): Promise<void> {
  const { scans } = opts.deps;
  app.get<{ Querystring: { device?: string; batch?: string; outcome?: ScanOutcome; before?: number; limit?: number } }>('/scans', {
    config: { access: 'read' },
    schema: {
      summary: 'Scan reads, newest first: what each did to custody (moved, repeat) or why it did not (refused, contradiction, unresolved, bad-code)', tags: ['custody'],
      querystring: Type.Object({
        device: Type.Optional(Type.String({ minLength: 1 })), batch: Type.Optional(Type.String({ minLength: 1 })),
        outcome: Type.Optional(Type.Union(SCAN_OUTCOMES.map((o) => Type.Literal(o)))),
        before: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100 })),
      }),
      response: { 200: Type.Object({ scans: Type.Array(ScanItem) }) },
    },
  }, async (req) => {
    const q = req.query;
    const list = await scans.list({
      limit: q.limit ?? 100, ...(q.device !== undefined ? { device: q.device } : {}), ...(q.batch !== undefined ? { batch: q.batch } : {}),
      ...(q.outcome !== undefined ? { outcome: q.outcome } : {}), ...(q.before !== undefined ? { before: q.before } : {}),
    });
    return { scans: list.map((e) => ({ ...e, time: iso(e.time), receivedAt: iso(e.receivedAt) })) };
  });
  return Promise.resolve();
}

/** A shipment's milestones from evidence (#20, docs/claims.md "Milestones from evidence"). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { MILESTONE_KINDS } from '../../domain/shipments/milestones.js';
import type { MilestoneService } from '../../services/milestones.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const MilestoneItem = Type.Object({
  kind: Type.Union(MILESTONE_KINDS.map((k) => Type.Literal(k))),
  place: Type.String({ description: 'the origin or destination site, or the hub (place id)' }),
  at: Type.String({ description: 'the moment: the proving fix\'s device time, or the placement\'s start or end' }),
  source: Type.Union([Type.Literal('tracker'), Type.Literal('custody')]),
  device: Type.Optional(Type.String()),
  fix: Type.Optional(Type.Object({ lat: Type.Number(), lon: Type.Number() }, { description: 'the fix that proves it (tracker source)' })),
  placement: Type.Optional(Type.String({ description: 'the batch placement whose start or end it is (custody source)' })),
  recorded: Type.String({ description: 'when the gateway first recorded it (or last moved its moment)' }),
});

export function registerMilestoneRoutes(app: FastifyInstance, opts: { deps: { milestones: Pick<MilestoneService, 'ofShipment'> } }): Promise<void> {
  const { milestones } = opts.deps;
  app.get<{ Params: { id: string } }>('/shipments/:id/milestones', {
    config: { access: 'read' },
    schema: { summary: 'A shipment\'s milestones as the evidence showed them: left the origin, at and out of each hub, at the destination', tags: ['custody'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: Type.Object({ shipment: Type.String(), milestones: Type.Array(MilestoneItem) }), 404: ErrorBody } },
  }, async (req) => {
    const ms = await milestones.ofShipment(req.params.id);
    if (ms === undefined) throw new GatewayError('E_NOT_FOUND', `no shipment '${req.params.id}'`);
    return {
      shipment: req.params.id,
      milestones: ms.map((m) => ({
        kind: m.kind, place: m.place, at: iso(m.atMs), source: m.source, ...(m.device !== undefined ? { device: m.device } : {}),
        ...(m.fix !== undefined ? { fix: m.fix } : {}), ...(m.placement !== undefined ? { placement: m.placement } : {}), recorded: iso(m.recordedAt),
      })),
    };
  });
  return Promise.resolve();
}

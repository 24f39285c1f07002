/**
 * Calibration (docs/calibration.md): a device's certificates (entered by admins, like the registry), every device's
 * state now (overdue, never calibrated, due within 30 days, calibrated), and a device's readings as measured and as
 * corrected, each with its certificate and mark.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Clock } from '../../ports/clock.js';
import { CalibrationProblems, type CalibrationService } from '../../services/calibration.js';
import { ErrorBody } from '../schemas.js';
import { authorOf } from './registry.js';

export interface CalibrationRouteDeps {
  readonly calibration: Pick<CalibrationService, 'put' | 'ofDevice' | 'states' | 'readings'>;
  readonly clock: Clock;
}

const MARK = Type.Union(['calibrated', 'due-soon', 'overdue', 'uncalibrated'].map((m) => Type.Literal(m)), {
  description: 'calibrated; due-soon: due within 30 days; overdue: past the due date of the certificate in force; uncalibrated: no certificate',
});
const CertificateBody = Type.Object({
  certificate: Type.String(), device: Type.String(), laboratory: Type.String(),
  calibratedAt: Type.String({ description: 'ISO 8601 date or date-time' }), dueAt: Type.String({ description: 'ISO 8601 date or date-time' }),
  metrics: Type.Record(Type.String(), Type.Object({
    correction: Type.Number({ description: 'Added to the measured value (reference minus instrument), in the metric\'s unit' }),
    uncertainty: Type.Number({ description: 'Expanded uncertainty (k = 2), in the metric\'s unit' }),
    slope: Type.Optional(Type.Number({ description: 'Gain of a linear calibration: corrected = measured × slope + correction; absent: 1' })),
  })),
  traceability: Type.Optional(Type.String()),
});
const StateBody = Type.Object({ device: Type.String(), mark: MARK, dueAt: Type.Optional(Type.String()), current: Type.Optional(CertificateBody) });

export function registerCalibrationRoutes(app: FastifyInstance, opts: { deps: CalibrationRouteDeps }): Promise<void> {
  const { calibration, clock } = opts.deps;

  app.put<{ Params: { id: string; certificate: string }; Body: Record<string, unknown> }>('/devices/:id/calibrations/:certificate', {
    config: { access: 'admin' },
    schema: { summary: 'Enter (or correct) a calibration certificate of a device; who: X-Coldtrace-Actor', tags: ['calibration'],
      params: Type.Object({ id: Type.String({ minLength: 1 }), certificate: Type.String({ minLength: 1 }) }),
      body: Type.Object({}, { additionalProperties: true, description: 'laboratory, calibratedAt, dueAt, metrics {metric: {correction, uncertainty, slope?}}, traceability' }),
      response: { 200: Type.Object({ result: Type.String(), calibration: CertificateBody }), 400: Type.Object({ code: Type.String(), message: Type.String(), problems: Type.Array(Type.String()) }) } },
  }, async (req, reply) => {
    try {
      return await calibration.put(req.params.id, { ...req.body, certificate: req.params.certificate }, authorOf(req).actor, clock.now());
    } catch (e) {
      if (e instanceof CalibrationProblems) return reply.status(400).send({ code: 'E_INVALID', message: e.message, problems: [...e.problems] });
      throw e;
    }
  });

  app.get<{ Params: { id: string } }>('/devices/:id/calibrations', {
    config: { access: 'read' },
    schema: { summary: "A device's calibration certificates, oldest first, and its state now", tags: ['calibration'], params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: Type.Object({ certificates: Type.Array(CertificateBody), state: StateBody }) } },
  }, (req) => calibration.ofDevice(req.params.id, clock.now()));

  app.get('/calibration/devices', {
    config: { access: 'read' },
    schema: { summary: 'Every registered device with its calibration state now: overdue and never calibrated first, then due within 30 days', tags: ['calibration'],
      response: { 200: Type.Object({ devices: Type.Array(StateBody) }) } },
  }, async () => ({ devices: await calibration.states(clock.now()) }));

  app.get<{ Params: { id: string }; Querystring: { from: number; to: number; metric?: string; limit: number } }>('/devices/:id/corrected-readings', {
    config: { access: 'read' },
    schema: { summary: "A device's readings as measured and as corrected by the certificate in force at each reading's time, with its mark", tags: ['calibration'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      querystring: Type.Object({ from: Type.Integer({ description: 'Device time, ms, inclusive' }), to: Type.Integer({ description: 'Device time, ms, exclusive' }),
        metric: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }) }),
      response: { 200: Type.Object({ readings: Type.Array(Type.Object({
        metric: Type.String(), unit: Type.String(), time: Type.Integer(), measured: Type.Number(), corrected: Type.Optional(Type.Number()),
        uncertainty: Type.Optional(Type.Number()), certificate: Type.Optional(Type.String()), mark: MARK,
      })) }), 400: ErrorBody } },
  }, async (req) => ({ readings: await calibration.readings(req.params.id, req.query.from, req.query.to, req.query.metric, req.query.limit) }));
  return Promise.resolve();
}

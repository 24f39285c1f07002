/**
 * GET /api/v1/series: one metric of one device downsampled into fixed-width device-time buckets for charts (issue
 * #16). Each bucket keeps the true min and max of its readings, so a spike of a single reading is drawn as the band's
 * top instead of vanishing into a mean. Computed by the store (TelemetryStore.series), never by loading the readings.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { gridProblem, MAX_SERIES_BUCKETS, stepFor } from '../../domain/series-buckets.js';
import type { TelemetryStore } from '../../ports/telemetry-store.js';
import type { Clock } from '../../ports/clock.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

const SeriesParams = Type.Object({
  device: Type.String({ minLength: 1 }),
  metric: Type.String({ minLength: 1 }),
  from: Type.Optional(Type.Integer({ description: 'Device time from (inclusive), ms; the first bucket starts here. Default: 24 h before `to`' })),
  to: Type.Optional(Type.Integer({ description: 'Device time to (exclusive), ms. Default: now' })),
  buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SERIES_BUCKETS, description: `Split the range into this many buckets (step = ceil((to - from) / buckets)). Default 200; ignored when \`step\` is given` })),
  step: Type.Optional(Type.Integer({ minimum: 1, description: `Bucket width, ms; at most ${MAX_SERIES_BUCKETS} buckets per request` })),
});

const SeriesBucketBody = Type.Object({
  start: Type.Integer({ description: 'Start of the bucket (from + i x step), ms; it covers [start, start + step)' }),
  firstTime: Type.Integer({ description: 'Device time of the first reading in the bucket, ms' }),
  lastTime: Type.Integer({ description: 'Device time of the last reading in the bucket, ms' }),
  count: Type.Integer(),
  min: Type.Number({ description: 'Smallest reading in the bucket' }),
  max: Type.Number({ description: 'Largest reading in the bucket' }),
  mean: Type.Number({ description: 'Arithmetic mean of the readings in the bucket (not time-weighted)' }),
});

const SeriesBody = Type.Object({
  device: Type.String(), metric: Type.String(),
  from: Type.Integer(), to: Type.Integer(), step: Type.Integer({ description: 'Bucket width, ms' }),
  mean: Type.Literal('arithmetic', { description: 'How `mean` is computed: sum / count of the readings in the bucket' }),
  buckets: Type.Array(SeriesBucketBody, { description: 'Non-empty buckets, oldest first; a bucket without readings is absent' }),
});

export interface SeriesRouteDeps {
  readonly store: Pick<TelemetryStore, 'series'>;
  readonly clock: Clock;
}

export function registerSeriesRoutes(app: FastifyInstance, opts: { deps: SeriesRouteDeps }): Promise<void> {
  const { store, clock } = opts.deps;
  app.get<{ Querystring: Static<typeof SeriesParams> }>('/series', {
    config: { access: 'read' },
    schema: {
      summary: 'One metric of one device in fixed-width time buckets: first/last time, count, min, max, mean per bucket (charts; spikes stay visible as max)',
      tags: ['data'], querystring: SeriesParams, response: { 200: SeriesBody, 400: ErrorBody },
    },
  }, async (req) => {
    const { device, metric } = req.query;
    const to = req.query.to ?? clock.now();
    const from = req.query.from ?? to - 86_400_000;
    if (from >= to) throw new GatewayError('E_BAD_REQUEST', '`from` must be before `to`');
    const step = req.query.step ?? stepFor(from, to, req.query.buckets ?? 200);
    const problem = gridProblem({ from, to, step });
    if (problem !== undefined) throw new GatewayError('E_BAD_REQUEST', problem);
    const buckets = await store.series({ device, metric, from, to, step }).catch((e: unknown) => {
      // A remote store folding pages (adapters/paged-series.ts) refuses ranges beyond its cap: the caller's to shorten.
      if ((e as { code?: unknown }).code === 'E_SERIES_TOO_LARGE') throw new GatewayError('E_BAD_REQUEST', (e as Error).message);
      throw e;
    });
    return { device, metric, from, to, step, mean: 'arithmetic' as const, buckets };
  });
  return Promise.resolve();
}

/**
 * Tamper evidence over HTTP (issue #17, docs/security.md "Tamper evidence"): verification naming the first broken
 * link, the signed checkpoints, and the public key that checks them and every evidence export's signature.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { IntegrityService } from '../../services/integrity.js';

export interface IntegrityRouteDeps {
  readonly integrity: Pick<IntegrityService, 'verify' | 'checkpoints' | 'checkpoint' | 'publicKey'>;
}

const Head = Type.Object({ length: Type.Integer({ description: 'Links in the chain' }), link: Type.String({ description: 'The last link, hex' }) });
const Checkpoint = Type.Object({
  seq: Type.Integer(), at: Type.Integer({ description: 'When it was signed, ms' }), readings: Head, records: Head,
  signature: Type.String({ description: 'Ed25519 over the canonical statement (docs/security.md), base64' }),
  keyFingerprint: Type.String({ description: 'SHA-256 of the public key (DER SPKI), hex' }),
});
const Broken = Type.Object({
  chain: Type.String(), reason: Type.String(), link: Type.Integer(), device: Type.Optional(Type.String()), metric: Type.Optional(Type.String()),
  time: Type.Optional(Type.Number()), timeIso: Type.Optional(Type.String()), record: Type.Optional(Type.Object({ kind: Type.String(), id: Type.String() })),
  expected: Type.String(), found: Type.String(), detail: Type.String(),
}, { description: 'The first broken link: which chain, link and reading or record, the expected and the found hash' });
const Chain = Type.Object({
  length: Type.Optional(Type.Integer()), head: Type.Optional(Type.String()), verified: Type.Optional(Type.Integer()), pruned: Type.Optional(Type.Integer()),
  broken: Type.Optional(Broken), unavailable: Type.Optional(Type.String()),
});
const Report = Type.Object({
  ok: Type.Boolean({ description: 'true: every link re-derives and every checkpoint holds' }), at: Type.Integer(),
  readings: Chain, records: Chain,
  checkpoints: Type.Object({ count: Type.Integer(), verified: Type.Integer(), latest: Type.Optional(Type.Integer()), broken: Type.Optional(Broken) }),
  photos: Type.Optional(Type.Object({ count: Type.Integer(), verified: Type.Integer({ description: "photos whose stored bytes hash to their record's SHA-256" }), broken: Type.Optional(Broken) })),
  notes: Type.Array(Type.String()),
});
const PublicKey = Type.Object({ algorithm: Type.Literal('Ed25519'), pem: Type.String(), fingerprint: Type.String() });

export function registerIntegrityRoutes(app: FastifyInstance, opts: { deps: IntegrityRouteDeps }): Promise<void> {
  const { integrity } = opts.deps;
  app.get('/integrity/verify', {
    config: { access: 'read' },
    schema: { summary: 'Verifies the readings and records chains and the signed checkpoints; names the first broken link', tags: ['integrity'], response: { 200: Report } },
  }, () => integrity.verify());
  app.get<{ Querystring: { limit?: number; before?: number } }>('/integrity/checkpoints', {
    config: { access: 'read' },
    schema: {
      summary: 'Signed checkpoints of the chains\' heads, newest first (copy them off the machine: docs/security.md)', tags: ['integrity'],
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), before: Type.Optional(Type.Integer({ description: 'Only checkpoints with a lower seq' })) }),
      response: { 200: Type.Array(Checkpoint) },
    },
  }, (req) => integrity.checkpoints(req.query.limit ?? 100, req.query.before));
  app.post('/integrity/checkpoints', {
    config: { access: 'operate' },
    schema: { summary: 'Signs a checkpoint now (none when nothing moved since the last)', tags: ['integrity'], response: { 200: Type.Object({ checkpoint: Type.Union([Checkpoint, Type.Null()]) }) } },
  }, () => ({ checkpoint: integrity.checkpoint() ?? null }));
  app.get('/integrity/public-key', {
    config: { access: 'public' },
    schema: { summary: 'The gateway\'s Ed25519 public key: checks checkpoints and evidence export signatures', tags: ['integrity'], response: { 200: PublicKey } },
  }, () => ({ algorithm: 'Ed25519' as const, pem: integrity.publicKey.pem, fingerprint: integrity.publicKey.fingerprint }));
  app.get('/integrity/public-key.pem', {
    config: { access: 'public' },
    schema: { summary: 'The public key as a PEM file (for coldtrace-verify-export)', tags: ['integrity'], response: { 200: { description: 'PEM', content: { 'application/x-pem-file': { schema: { type: 'string' } } } } } },
  }, (_req, reply) => reply.header('x-coldtrace-key-fingerprint', integrity.publicKey.fingerprint).type('application/x-pem-file').send(integrity.publicKey.pem));
  return Promise.resolve();
}

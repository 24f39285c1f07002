/**
 * Evidence export downloads (issue #16, docs/evidence.md): the readings behind an order or a shipment as CSV or JSON,
 * and a PDF report, each with its SHA-256 in the response and at `<file>.sha256` (the `sha256sum` line).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { exportFileName as fileName, type ExportSubjectKind } from '../../domain/evidence/export-format.js';
import type { Clock } from '../../ports/clock.js';
import { verifiedBytes, type EvidenceExportService, type ExportFormatName, type ExportPlan } from '../../services/evidence-export.js';
import type { EvidenceReportService } from '../../services/evidence-report.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

export interface EvidenceExportRouteDeps {
  readonly exports: EvidenceExportService;
  readonly reports: EvidenceReportService;
  readonly clock: Clock;
  /** Signs an export given its SHA-256 (docs/evidence.md "Signatures"); absent: exports are not signed. */
  readonly sign?: (sha256: string) => { readonly signature: string; readonly keyFingerprint: string };
}

/**
 * Readings received this recently are left for the next export by default: a reading is received a moment before
 * it is committed, and a download reads the store twice (once for its hash, once for its bytes), which must agree.
 */
export const EXPORT_SETTLE_MS = 10_000;

const CONTENT_TYPE: Record<ExportFormatName | 'pdf', string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', pdf: 'application/pdf' };

const Params = Type.Object({ id: Type.String({ minLength: 1 }) });
const Query = Type.Object({
  asOf: Type.Optional(Type.Integer({ description: `Receive-time cut-off, ms: readings received after it are left out. Default: now - ${EXPORT_SETTLE_MS / 1000} s. The same cut-off gives the same bytes (X-Coldtrace-Evidence-As-Of tells the one used)` })),
});


/** The digest headers: hex for people, RFC 9530 Repr-Digest for HTTP tools. */
function digestHeaders(reply: FastifyReply, sha256: string, bytes: number, asOfMs: number, name: string): void {
  reply.header('content-length', bytes).header('x-coldtrace-sha256', sha256)
    .header('repr-digest', `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`)
    .header('x-coldtrace-evidence-as-of', String(asOfMs))
    .header('content-disposition', `attachment; filename="${name}"`);
}

export function registerEvidenceExportRoutes(app: FastifyInstance, opts: { deps: EvidenceExportRouteDeps }): Promise<void> {
  const { exports, reports, clock, sign } = opts.deps;
  /** The file's Ed25519 signature beside it: X-Coldtrace-Signature and the key's fingerprint. */
  const signatureHeaders = (reply: FastifyReply, sha256: string): void => {
    if (sign === undefined) return;
    const s = sign(sha256);
    reply.header('x-coldtrace-signature', s.signature).header('x-coldtrace-key-fingerprint', s.keyFingerprint);
  };
  /** `<file>.sig`: the signature alone (base64, one line), for coldtrace-verify-export. */
  const sigRoute = (path: string, summary: string, digestOf: (id: string, asOf: number | undefined) => Promise<{ sha256: string; asOfMs: number }>): void => {
    if (sign === undefined) return;
    app.get<{ Params: { id: string }; Querystring: { asOf?: number } }>(path, {
      config: { access: 'read' },
      schema: { summary, tags: ['evidence'], params: Params, querystring: Query, response: { 200: { description: 'the Ed25519 signature, base64, one line', content: { 'text/plain': { schema: { type: 'string' } } } }, 404: ErrorBody } },
    }, async (req, reply) => {
      const d = await digestOf(req.params.id, req.query.asOf);
      const s = sign(d.sha256);
      return reply.header('x-coldtrace-evidence-as-of', String(d.asOfMs)).header('x-coldtrace-key-fingerprint', s.keyFingerprint).type('text/plain; charset=utf-8').send(`${s.signature}\n`);
    });
  };

  const planOf = async (kind: ExportSubjectKind, id: string, asOf: number | undefined): Promise<ExportPlan> => {
    const plan = await exports.plan({ kind, id }, asOf ?? clock.now() - EXPORT_SETTLE_MS);
    if (plan === undefined) throw new GatewayError('E_NOT_FOUND', `no ${kind} '${id}'`);
    return plan;
  };

  for (const [path, kind] of [['orders', 'order'], ['shipments', 'shipment']] as const) {
    for (const format of ['csv', 'json'] as const) {
      const name = (id: string): string => fileName(kind, id, format);
      app.get<{ Params: { id: string }; Querystring: { asOf?: number } }>(`/${path}/:id/evidence.${format}`, {
        config: { access: 'read' },
        schema: { summary: `Every reading behind the ${kind}, as ${format.toUpperCase()} (docs/evidence.md), with its SHA-256 in X-Coldtrace-Sha256 and Repr-Digest`, tags: ['evidence'],
          params: Params, querystring: Query,
          response: { 200: { description: `the ${format.toUpperCase()} file`, content: { [CONTENT_TYPE[format].split(';')[0] ?? '']: { schema: { type: 'string' } } } }, 404: ErrorBody } },
      }, async (req, reply) => {
        const plan = await planOf(kind, req.params.id, req.query.asOf);
        const d = await exports.digest(plan, format);
        digestHeaders(reply, d.sha256, d.bytes, plan.asOfMs, name(req.params.id));
        signatureHeaders(reply, d.sha256);
        reply.header('x-coldtrace-evidence-readings', String(d.readings)).type(CONTENT_TYPE[format]);
        // Not object mode: the stream holds back at most about one page of bytes ahead of the socket.
        return reply.send(Readable.from(verifiedBytes(exports.chunks(plan, format), d.sha256), { objectMode: false }));
      });
      app.get<{ Params: { id: string }; Querystring: { asOf?: number } }>(`/${path}/:id/evidence.${format}.sha256`, {
        config: { access: 'read' },
        schema: { summary: `The SHA-256 of the ${kind}'s ${format.toUpperCase()} export, as a sha256sum line ("HASH  FILE")`, tags: ['evidence'],
          params: Params, querystring: Query, response: { 200: { description: 'one sha256sum line', content: { 'text/plain': { schema: { type: 'string' } } } }, 404: ErrorBody } },
      }, async (req, reply) => {
        const plan = await planOf(kind, req.params.id, req.query.asOf);
        const d = await exports.digest(plan, format);
        return reply.header('x-coldtrace-evidence-as-of', String(plan.asOfMs)).type('text/plain; charset=utf-8').send(`${d.sha256}  ${name(req.params.id)}\n`);
      });
      sigRoute(`/${path}/:id/evidence.${format}.sig`, `The Ed25519 signature of the ${kind}'s ${format.toUpperCase()} export (docs/evidence.md "Signatures")`, async (id, asOf) => {
        const plan = await planOf(kind, id, asOf);
        return { sha256: (await exports.digest(plan, format)).sha256, asOfMs: plan.asOfMs };
      });
    }

    const pdfName = (id: string): string => fileName(kind, id, 'pdf');
    const pdfOf = async (id: string, asOf: number | undefined): Promise<{ pdf: Buffer; asOfMs: number }> => {
      const plan = await planOf(kind, id, asOf);
      return { pdf: await reports.pdf(plan), asOfMs: plan.asOfMs };
    };
    app.get<{ Params: { id: string }; Querystring: { asOf?: number } }>(`/${path}/:id/evidence.pdf`, {
      config: { access: 'read' },
      schema: { summary: `A PDF evidence report of the ${kind}: summary, custody legs, flags with their evidence, a temperature chart per leg, the SHA-256 of its CSV`, tags: ['evidence'],
        params: Params, querystring: Query, response: { 200: { description: 'the PDF report', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, 404: ErrorBody } },
    }, async (req, reply) => {
      const { pdf, asOfMs } = await pdfOf(req.params.id, req.query.asOf);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      digestHeaders(reply, sha256, pdf.length, asOfMs, pdfName(req.params.id));
      signatureHeaders(reply, sha256);
      return reply.type(CONTENT_TYPE.pdf).send(pdf);
    });
    app.get<{ Params: { id: string }; Querystring: { asOf?: number } }>(`/${path}/:id/evidence.pdf.sha256`, {
      config: { access: 'read' },
      schema: { summary: `The SHA-256 of the ${kind}'s PDF report, as a sha256sum line`, tags: ['evidence'],
        params: Params, querystring: Query, response: { 200: { description: 'one sha256sum line', content: { 'text/plain': { schema: { type: 'string' } } } }, 404: ErrorBody } },
    }, async (req, reply) => {
      const { pdf, asOfMs } = await pdfOf(req.params.id, req.query.asOf);
      return reply.header('x-coldtrace-evidence-as-of', String(asOfMs)).type('text/plain; charset=utf-8').send(`${createHash('sha256').update(pdf).digest('hex')}  ${pdfName(req.params.id)}\n`);
    });
    sigRoute(`/${path}/:id/evidence.pdf.sig`, `The Ed25519 signature of the ${kind}'s PDF report (docs/evidence.md "Signatures")`, async (id, asOf) => {
      const { pdf, asOfMs } = await pdfOf(id, asOf);
      return { sha256: createHash('sha256').update(pdf).digest('hex'), asOfMs };
    });
  }
  return Promise.resolve();
}

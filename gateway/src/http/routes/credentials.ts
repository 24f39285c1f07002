/**
 * MQTT credentials (docs/security.md, "Device identity"): issue (and rotate by issuing again), revoke, list. A secret
 * is in the answer to its issue and nowhere else: only hashes are stored. Admin only.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN } from '@coldtrace/contract';
import { MAX_ISSUE, type CredentialService, type IssuedCredential } from '../../services/credentials.js';
import type { MqttIdentity } from '../../domain/devices/mqtt-identity.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';

export interface CredentialRouteDeps {
  readonly credentials: Pick<CredentialService, 'issue' | 'issueMany' | 'revoke' | 'list'>;
}

const Id = Type.String({ pattern: ID_PATTERN });
const NodeParams = Type.Object({ site: Id, node: Id });
const ReaderParams = Type.Object({ name: Id });

const Issued = Type.Object({
  username: Type.String({ description: 'The MQTT user name: {site}/{node}, or _events/{name} for a reader' }),
  password: Type.String({ description: 'The secret, shown this once: only its hashes are kept' }),
  clientId: Type.String({ description: 'The MQTT client id this credential must connect with' }),
  generation: Type.Integer({ description: '1 for the first credential, +1 at each rotation' }),
  issuedAt: Type.String({ format: 'date-time' }),
});

const View = Type.Object({
  username: Type.String(),
  kind: Type.Union([Type.Literal('node'), Type.Literal('reader')]),
  clientId: Type.String(),
  generation: Type.Integer(),
  issuedAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export function registerCredentialRoutes(app: FastifyInstance, opts: { deps: CredentialRouteDeps }): Promise<void> {
  const { credentials } = opts.deps;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const shown = (c: IssuedCredential): Static<typeof Issued> => ({ username: c.username, password: c.password, clientId: c.clientId, generation: c.generation, issuedAt: iso(c.issuedAt) });
  const issue = async (id: MqttIdentity): Promise<Static<typeof Issued>> => shown(await credentials.issue(id));
  const revoke = async (id: MqttIdentity, what: string): Promise<void> => {
    if (!(await credentials.revoke(id))) throw new GatewayError('E_NOT_FOUND', `${what} has no live credential`);
  };
  const tags = ['credentials'];
  const issueSchema = (summary: string, params: typeof NodeParams | typeof ReaderParams) => ({
    summary, tags, params, response: { 201: Issued, 400: ErrorBody },
  });
  const revokeSchema = (summary: string, params: typeof NodeParams | typeof ReaderParams) => ({
    summary, tags, params, response: { 204: Type.Null(), 404: ErrorBody },
  });

  app.post<{ Params: Static<typeof NodeParams> }>('/credentials/nodes/:site/:node', {
    config: { access: 'admin' },
    schema: issueSchema('Issues a node its MQTT credential, or rotates it (the old secret stops working and its connection is closed)', NodeParams),
  }, async (req, reply) => reply.status(201).send(await issue({ kind: 'node', site: req.params.site, node: req.params.node })));

  const Fleet = Type.Object({ nodes: Type.Array(NodeParams, { minItems: 1, maxItems: MAX_ISSUE }) }, { additionalProperties: false });
  app.post<{ Body: Static<typeof Fleet> }>('/credentials/nodes', {
    config: { access: 'admin' },
    schema: {
      summary: `Issues (or rotates) the credentials of up to ${MAX_ISSUE} nodes at once, all or none: a fleet's provisioning`, tags,
      body: Fleet, response: { 201: Type.Object({ credentials: Type.Array(Issued) }), 400: ErrorBody },
    },
  }, async (req, reply) => {
    const issued = await credentials.issueMany(req.body.nodes.map((n) => ({ kind: 'node' as const, site: n.site, node: n.node })));
    return reply.status(201).send({ credentials: issued.map(shown) });
  });

  app.delete<{ Params: Static<typeof NodeParams> }>('/credentials/nodes/:site/:node', {
    config: { access: 'admin' },
    schema: revokeSchema("Revokes a node's credential: its connection is closed at once and it cannot connect again", NodeParams),
  }, async (req, reply) => {
    await revoke({ kind: 'node', site: req.params.site, node: req.params.node }, `node ${req.params.site}/${req.params.node}`);
    return reply.status(204).send();
  });

  app.post<{ Params: Static<typeof ReaderParams> }>('/credentials/readers/:name', {
    config: { access: 'admin' },
    schema: issueSchema('Issues an event reader (an order hub) its MQTT credential, or rotates it: it may subscribe to ct/v1/_events/# only', ReaderParams),
  }, async (req, reply) => reply.status(201).send(await issue({ kind: 'reader', name: req.params.name })));

  app.delete<{ Params: Static<typeof ReaderParams> }>('/credentials/readers/:name', {
    config: { access: 'admin' },
    schema: revokeSchema("Revokes an event reader's credential", ReaderParams),
  }, async (req, reply) => {
    await revoke({ kind: 'reader', name: req.params.name }, `reader ${req.params.name}`);
    return reply.status(204).send();
  });

  app.get('/credentials', {
    config: { access: 'admin' },
    schema: { summary: 'Every MQTT credential issued (never a secret), revoked ones included', tags, response: { 200: Type.Object({ credentials: Type.Array(View) }) } },
  }, async () => ({
    credentials: (await credentials.list()).map((c) => ({
      username: c.username, kind: c.identity.kind, clientId: c.clientId, generation: c.generation, issuedAt: iso(c.issuedAt),
      ...(c.revokedAt !== undefined ? { revokedAt: iso(c.revokedAt) } : {}),
    })),
  }));
  return Promise.resolve();
}

/**
 * Secure headers and CORS (issue #17, docs/security.md "HTTP access"). The CSP lets the dashboard run (its own
 * scripts and styles, uPlot's canvas, data: images) and nothing else; no framing (clickjacking); no MIME sniffing;
 * no referrer to other origins. CORS is closed unless origins are listed.
 */
import type { FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyCors from '@fastify/cors';
import { CSRF_HEADER } from './auth.js';

export async function registerSecureHeaders(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"], fontSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: a gateway on a LAN address is often plain HTTP, and the dashboard must load there.
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only means something over HTTPS, which a reverse proxy in front of the gateway sets (docs/security.md).
    strictTransportSecurity: false,
  });
  // Closed by default: no Access-Control-* header at all, so browsers keep other origins out.
  await app.register(fastifyCors, corsOrigins.length === 0 ? { origin: false } : {
    origin: [...corsOrigins], credentials: false, methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-coldtrace-actor', 'x-coldtrace-source', CSRF_HEADER], maxAge: 600,
  });
}

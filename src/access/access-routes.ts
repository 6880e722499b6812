import { z } from 'zod';
import { problemSchema } from '../platform/http/problem.js';
import { actorOf } from '../platform/http/route-policy.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { AccessService } from './access-service.js';
import type { DatabaseAuditTrail } from './audit-trail.js';
import { ROLES } from './roles.js';

const admin = { access: 'admin' } as const;

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdBy: z.string(),
    createdAt: z.date(),
    expiresAt: z.date().nullable(),
    lastUsedAt: z.date().nullable(),
    revokedAt: z.date().nullable(),
  })
  .meta({ id: 'Token', description: 'An API token as listed: never its secret' });

const auditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.date(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    reason: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AuditEvent' });

/** Tokens and the audit log over HTTP, for admins (the console's; the CLI has the same). */
export function accessRoutes(service: AccessService, audit: DatabaseAuditTrail): RouteModule {
  return (app: App) => {
    app.get(
      '/v1/tokens',
      {
        config: admin,
        schema: {
          tags: ['access'],
          summary: 'List API tokens (never their secrets)',
          response: { 200: z.object({ tokens: z.array(tokenSchema) }) },
        },
      },
      async () => ({ tokens: await service.listTokens() }),
    );

    app.post(
      '/v1/tokens',
      {
        config: admin,
        schema: {
          tags: ['access'],
          summary: 'Create an API token; its secret is in this answer only',
          body: z
            .strictObject({
              name: z.string().min(1).max(64),
              role: z.enum(ROLES),
              expiresInDays: z.number().positive().max(3650).optional(),
            })
            .meta({ examples: [{ name: 'survey-frontend', role: 'predict', expiresInDays: 90 }] }),
          response: {
            201: z.object({ token: z.string(), info: tokenSchema }),
            400: problemSchema,
          },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createToken(request.body, actorOf(request))),
    );

    app.delete(
      '/v1/tokens/:ref',
      {
        config: admin,
        schema: {
          tags: ['access'],
          summary: 'Revoke the live tokens with this id or name (and their sessions)',
          params: z.object({ ref: z.string().min(1).max(64) }),
          response: { 200: z.object({ revoked: z.array(tokenSchema) }), 404: problemSchema },
        },
      },
      async (request) => ({
        revoked: await service.revokeToken(request.params.ref, actorOf(request)),
      }),
    );

    app.get(
      '/v1/audit',
      {
        config: admin,
        schema: {
          tags: ['access'],
          summary: 'The audit log, newest first: every state change by a person or token',
          querystring: z.object({
            actor: z.string().min(1).max(100).optional(),
            action: z.string().min(1).max(100).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ events: z.array(auditEventSchema) }), 400: problemSchema },
        },
      },
      async (request) => ({ events: await audit.list(request.query) }),
    );
  };
}

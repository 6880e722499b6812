import { BlockList, isIPv6 } from 'node:net';
import { fastifyCookie } from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors.js';
import { z } from 'zod';
import { problemSchema } from '../platform/http/problem.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { AccessControl, PrefixPolicy, RoutePolicy } from '../platform/http/route-policy.js';
import type { AccessService, SessionIdentity } from './access-service.js';
import { ROLES, type Identity } from './roles.js';
import type { AccessSettings, RateLimitSetting } from './settings.js';

export const SESSION_COOKIE = 'sdp_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The routes each rate limit of `access.rateLimit` applies to. */
const LIMITED_ROUTES: Record<string, keyof AccessSettings['rateLimit']> = {
  '/v1/predict': 'predict',
  '/v1/predict/batch': 'batch',
  '/v1/feedback': 'feedback',
  '/auth/login': 'login',
};

/**
 * bull-board's routes that would make the queue an API for arbitrary work: adding a job,
 * rewriting a job's data, editing a schedule's template, dropping the whole queue. Refused
 * to everyone; the rest of bull-board is read by viewers and operated by operators.
 */
const REFUSED_BOARD_ACTIONS = [/\/add$/, /\/update-data$/, /\/obliterate$/, /\/job-schedulers\//];

export interface HttpAccessOptions {
  settings: AccessSettings;
  /** Where the queue board is mounted, if it is. */
  boardPath?: string;
  /** Distributed mode: rate limits counted in Redis, so they hold across API processes. */
  redis?: Redis;
}

/**
 * The access control of the HTTP app: who a request comes from (an API token in
 * `Authorization: Bearer`, or a session cookie from /login), whether its route's policy lets
 * it in, CSRF protection for sessions, rate limits per caller, and the routes that log in
 * and out. See docs/security.md.
 */
export function httpAccess(service: AccessService, options: HttpAccessOptions) {
  const { settings } = options;
  const metricsAllowed = blockList(settings.metricsAllowFrom);
  const boardPath = options.boardPath;
  const prefixes: PrefixPolicy[] = boardPath
    ? [
        {
          prefix: boardPath,
          policy: (method, url) =>
            REFUSED_BOARD_ACTIONS.some((pattern) => pattern.test(url)) && method !== 'GET'
              ? 'nobody'
              : SAFE_METHODS.has(method.split(',')[0])
                ? 'viewer'
                : 'operator',
        },
      ]
    : [];

  const control: AccessControl = {
    prefixes,
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description: 'An API token (`sdp tokens create`), sent as `Authorization: Bearer sdp_…`.',
      },
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: `A browser session from /login; state changes also need the \`${CSRF_HEADER}\` header or a same-origin request.`,
      },
    },
    authorize(request, reply, policy) {
      if (policy === 'nobody') {
        throw DomainError.forbidden(
          'sdp does not offer this action: jobs are created by sdp itself.',
        );
      }
      const header = request.headers.authorization;
      const cookie = header === undefined ? sessionCookie(request) : undefined;
      if (header === undefined && cookie === undefined) {
        if (policy === 'public') return;
        if (request.routeOptions.url === '/metrics' && allowedAddress(metricsAllowed, request.ip))
          return;
        return refuseAnonymous(request, reply);
      }
      const token = header === undefined ? undefined : bearerToken(header);
      if (header !== undefined && token === undefined) {
        // A public route is served whatever else the request carries (e.g. a proxy's Basic).
        if (policy === 'public') return;
        throw DomainError.unauthenticated('The Authorization header must be "Bearer <API token>".');
      }
      const found =
        token !== undefined
          ? service.authenticateToken(token)
          : service.authenticateSession(cookie!);
      const admit = (result: Identity | SessionIdentity | undefined) => {
        if (!result) {
          if (policy === 'public') return;
          throw DomainError.unauthenticated(
            header !== undefined
              ? 'The API token is not valid (unknown, expired or revoked).'
              : 'Your session has ended; log in again at /login.',
          );
        }
        const caller = 'identity' in result ? result.identity : result;
        if (
          'csrfToken' in result &&
          !SAFE_METHODS.has(request.method) &&
          !csrfSafe(request, result.csrfToken)
        ) {
          // A public route is served anyway, as to anyone: only not as this session's.
          if (policy === 'public') return;
          throw DomainError.forbidden(
            `A state change from a browser session needs the ${CSRF_HEADER} header (GET /auth/session) or a same-origin request.`,
          );
        }
        request.caller = caller;
        if (!caller.may(policy)) throw notAllowed(caller, policy);
      };
      return found instanceof Promise ? found.then(admit) : admit(found);
    },
  };

  /** Registered before every route: the rate limits must see each route as it is added. */
  const plugin: RouteModule = async (app: App) => {
    app.addHook('onRoute', (route) => {
      const limit = LIMITED_ROUTES[route.url];
      if (limit)
        route.config = { ...route.config, rateLimit: rateLimitOf(settings.rateLimit[limit]) };
    });
    await app.register(rateLimit, {
      global: false,
      // Per caller: a token (or user) has its own budget; anonymous calls share their address's.
      keyGenerator: (request) => (request.caller as Identity | undefined)?.id ?? request.ip,
      redis: options.redis,
      nameSpace: 'sdp-rate-limit-',
      // Redis down: serve rather than refuse (the limits protect capacity, not secrets).
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        DomainError.rateLimited(`Too many requests; at most ${context.max} per ${context.after}.`, {
          retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
        }),
    });
  };

  return { control, plugin, routes: authRoutes(service, settings) };
}

const rateLimitOf = (limit: RateLimitSetting) => ({ max: limit.max, timeWindow: limit.windowMs });

function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header || !header.includes(SESSION_COOKIE)) return undefined;
  return fastifyCookie.parse(header)[SESSION_COOKIE] || undefined;
}

function bearerToken(header: string): string | undefined {
  return /^Bearer +(\S+)$/i.exec(header)?.[1];
}

/**
 * A browser asking for a page is sent to log in; anything else hears 401. The target is
 * only ever a path on this server, so the login cannot redirect elsewhere.
 */
function refuseAnonymous(request: FastifyRequest, reply: FastifyReply): void {
  if (request.method === 'GET' && request.headers.accept?.includes('text/html')) {
    reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    return;
  }
  throw DomainError.unauthenticated(
    'This needs an API token (Authorization: Bearer …) or a login at /login.',
  );
}

function notAllowed(caller: Identity, policy: RoutePolicy): DomainError {
  return DomainError.forbidden(
    `${caller.actor} has the ${caller.role} role; this needs ${policy}.`,
  );
}

/** A session's state change must prove it comes from our own pages. */
function csrfSafe(request: FastifyRequest, csrfToken: string): boolean {
  const sent = request.headers[CSRF_HEADER];
  if (sent !== undefined) return sent === csrfToken;
  const origin = request.headers.origin;
  if (origin) {
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
  return request.headers['sec-fetch-site'] === 'same-origin';
}

function blockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

function allowedAddress(list: BlockList, ip: string): boolean {
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
}

/** A path on this server (not `//host`, not a URL): where a login may send the browser. */
const localPath = (next: unknown): string =>
  typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';

function authRoutes(service: AccessService, settings: AccessSettings): RouteModule {
  const cookieOptions = (request: FastifyRequest, maxAge: number) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    path: '/',
    maxAge,
  });
  return (app: App) => {
    app.register(async (scope) => {
      // The login form posts as a browser does without script: application/x-www-form-urlencoded.
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4096 },
        (_request, body, done) =>
          done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );

      scope.get(
        '/login',
        { config: { access: 'public' }, schema: { hide: true } },
        (request, reply) => {
          const query = request.query as Record<string, unknown>;
          return reply
            .type('text/html; charset=utf-8')
            .header('cache-control', 'no-store')
            .send(loginPage(localPath(query.next), query.failed !== undefined));
        },
      );

      scope.post(
        '/auth/login',
        {
          config: { access: 'public' },
          schema: {
            tags: ['access'],
            summary: 'Log in: a session cookie for the browser pages (console, queue board)',
            description:
              'With a user name and password (`sdp users add`), or with an API token. A form post ' +
              'is answered with a redirect; JSON with the session, including its CSRF token.',
            response: {
              200: z.object({
                actor: z.string(),
                role: z.enum(ROLES),
                csrfToken: z.string(),
                expiresAt: z.string(),
              }),
              401: problemSchema,
              429: problemSchema,
            },
          },
        },
        async (request, reply) => {
          const body = (request.body ?? {}) as Record<string, unknown>;
          const form = request.headers['content-type']?.startsWith(
            'application/x-www-form-urlencoded',
          );
          const next = localPath(body.next);
          try {
            const credentials =
              typeof body.token === 'string' && body.token.trim()
                ? { token: body.token.trim() }
                : { user: String(body.user ?? ''), password: String(body.password ?? '') };
            const session = await service.login(credentials);
            reply.header(
              'set-cookie',
              fastifyCookie.serialize(
                SESSION_COOKIE,
                session.secret,
                cookieOptions(request, settings.sessionHours * 3600),
              ),
            );
            if (form) return reply.redirect(next, 303);
            return {
              actor: session.identity.actor,
              role: session.identity.role,
              csrfToken: session.csrfToken,
              expiresAt: session.expiresAt.toISOString(),
            };
          } catch (error) {
            if (form && error instanceof DomainError && error.kind === 'unauthenticated')
              return reply.redirect(`/login?failed&next=${encodeURIComponent(next)}`, 303);
            throw error;
          }
        },
      );

      scope.post(
        '/auth/logout',
        {
          config: { access: 'public' },
          schema: { tags: ['access'], summary: 'End the browser session' },
        },
        async (request, reply) => {
          const secret = sessionCookie(request);
          if (secret) await service.logout(secret);
          reply.header(
            'set-cookie',
            fastifyCookie.serialize(SESSION_COOKIE, '', cookieOptions(request, 0)),
          );
          if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
            return reply.redirect('/login', 303);
          return reply.status(204).send();
        },
      );

      scope.get(
        '/auth/session',
        {
          config: { access: 'public' },
          schema: {
            tags: ['access'],
            summary: 'Who is logged in, and the CSRF token of the session',
          },
        },
        async (request) => {
          const secret = sessionCookie(request);
          const session = secret ? await service.authenticateSession(secret) : undefined;
          if (!session) return { authenticated: false };
          const { actor, role } = session.identity;
          return { authenticated: true, actor, role, csrfToken: session.csrfToken };
        },
      );
    });
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The login page: a plain form, no script, so it works under the strict CSP as it is. */
function loginPage(next: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in — sdp</title></head>
<body>
<main>
<h1>Log in to sdp</h1>
<p>For the wellbeing team and the people who run sdp. The survey itself needs no login: <a href="/survey">/survey</a>.</p>
${failed ? '<p role="alert"><strong>That did not work: check the user name and password, or the token.</strong></p>' : ''}
<form method="post" action="/auth/login">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<p><label for="user">User name</label><br><input id="user" name="user" autocomplete="username"></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
<p>or</p>
<p><label for="token">API token</label><br><input id="token" name="token" type="password" autocomplete="off"></p>
<p><button type="submit">Log in</button></p>
</form>
</main>
</body>
</html>
`;
}

import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics.js';
import { compileFastParser } from '../schema-check.js';
import { DomainError } from '../../errors.js';
import { finishOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { problemSchema, sendProblem } from './problem.js';
import {
  resolvePolicy,
  type AccessControl,
  type RouteAccess,
  type RoutePolicy,
} from './route-policy.js';
import { findUnstorableText, STORABLE_TEXT_MESSAGE } from '../text.js';

/** What a request that arrives during shutdown is told (a restart takes a few seconds). */
const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/** A route module: registers its routes (with zod schemas) on the typed server. */
export type RouteModule = (app: App) => void | Promise<void>;
export type App = ReturnType<typeof createBaseServer>;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * zod validation with a compiled fast path (../schema-check.ts): what the compiled check
 * accepts is zod's own output, without running zod; everything else goes to zod, whose issues
 * become the problem document. A prediction record: 1.0 µs instead of zod's 1.8; a batch of
 * a thousand, a thousand times that.
 */
const fastValidatorCompiler: typeof validatorCompiler = (route) => {
  const viaZod = validatorCompiler(route);
  const schema = route.schema as unknown;
  const fast =
    typeof schema === 'object' && schema !== null && '_zod' in schema
      ? compileFastParser(schema as Parameters<typeof compileFastParser>[0])
      : undefined;
  if (!fast) return viaZod;
  return (data) => {
    const value = fast(data as Record<string, unknown>);
    return value === undefined ? viaZod(data) : { value };
  };
};

function createBaseServer(log: Logger, trustProxy: TrustProxy) {
  return Fastify({
    loggerInstance: log,
    // Off unless configured: X-Forwarded-For from anyone else would let a client pick the
    // address that the rate limits see.
    trustProxy,
    // Keep a caller's request id (from a proxy or client) when it is sane, so one id follows
    // a request through every log line; otherwise make one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One access-log line per request (the onResponse hook below), in ECS field names.
    logController: new LogController({
      requestIdLogLabel: 'http.request.id',
      disableRequestLogging: true,
    }),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    // Fastify's own answers (a bare 503 while closing, 400/414 for a bad or overlong URL) in
    // the one problem+json format: closing is answered by the hook in createHttpServer.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => sendProblem(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();
}

/** `server.trustProxy`: false, true (any proxy), or comma-separated addresses/CIDRs. */
export type TrustProxy = boolean | string;

export interface ServerOptions {
  log: Logger;
  version: string;
  routes: RouteModule[];
  /** Observed per request, and served at GET /metrics for Prometheus. */
  metrics?: Metrics;
  /**
   * Who may call what. Every route declares a policy either way (registering one without
   * fails); without `access` they are not enforced — for tests of single route modules.
   */
  access?: AccessControl;
  /** Policies of the routes this module adds itself: /docs and /openapi.json, /metrics. */
  docsPolicy?: RoutePolicy;
  metricsPolicy?: RoutePolicy;
  trustProxy?: TrustProxy;
  /** Installed before any route (hooks that must see every route, e.g. rate limits). */
  plugins?: RouteModule[];
}

/**
 * The HTTP server: zod-validated routes, an OpenAPI document at /openapi.json generated from
 * the route schemas with its docs UI at /docs, problem+json errors, request ids, and (given
 * `metrics`) request durations with Prometheus metrics at /metrics.
 */
/** Routes left out of the access log (their durations are still in the histogram). */
const UNLOGGED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export async function createHttpServer({
  log,
  version,
  routes,
  metrics,
  access,
  docsPolicy = 'public',
  metricsPolicy = 'viewer',
  trustProxy = false,
  plugins = [],
}: ServerOptions): Promise<App> {
  const app = createBaseServer(log, trustProxy);
  const prefixes = [{ prefix: '/docs', policy: () => docsPolicy }, ...(access?.prefixes ?? [])];
  const policies: RouteAccess[] = [];
  app.decorate('routePolicies', () => policies);
  app.addHook('onRoute', (route) => {
    const method = [route.method].flat().join(',');
    const policy = resolvePolicy(route.config?.access, method, route.url, prefixes);
    if (!policy)
      throw new Error(`Route ${method} ${route.url} declares no access policy (config.access).`);
    route.config = { ...route.config, access: policy };
    policies.push({ method, url: route.url, policy });
    if (access && route.schema && !route.schema.hide) {
      // Said for public operations too (`security: []`): open on purpose, not by omission.
      route.schema =
        policy === 'public'
          ? { ...route.schema, security: [] }
          : {
              ...route.schema,
              security: Object.keys(access.securitySchemes).map((name) => ({ [name]: [] })),
              response: {
                401: problemSchema,
                403: problemSchema,
                ...(route.schema.response as object),
              },
            };
    }
  });
  app.setValidatorCompiler(fastValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendProblem(error as Error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(DomainError.notFound(`No route ${request.method} ${request.url}`), request, reply),
  );
  // Callback-style hooks: no promise per request on the hot path.
  // Security headers on every answer (refusals included: first), set by helmet's middleware built once (the Fastify
  // plugin rebuilds it per request: a fifth of a refused request's cost, measured).
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  // Requests that still arrive once close has begun (on a keep-alive connection that was busy)
  // are told to go elsewhere; the connection then closes.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    done(
      DomainError.unavailable('sdp is shutting down; try again shortly.', {
        retryAfterSeconds: SHUTDOWN_RETRY_AFTER_SECONDS,
      }),
    );
  });
  if (access) {
    app.addHook('onRequest', (request, reply, done) => {
      const policy = request.routeOptions.config.access;
      // No policy: no route matched; the not-found answer is the same for everyone.
      if (!policy) return done();
      // Answered by the access control itself (a redirect): the hook chain stops there.
      const next = () => (reply.sent ? undefined : done());
      // A refusal is answered here, not through the route's error handler: a plugin's own
      // (bull-board's) would turn it into a 500.
      const refuse = (error: Error) => void sendProblem(error, request, reply);
      try {
        const pending = access.authorize(request, reply, policy);
        if (pending) pending.then(next, refuse);
        else next();
      } catch (error) {
        refuse(error as Error);
      }
    });
  }
  app.addHook('preValidation', (request, _reply, done) => done(unstorableTextError(request)));
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // Only over TLS (a browser ignores it otherwise, and it would pin plain-HTTP test hosts).
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    // A keep-alive connection busy when close began would stay open, idle, after this answer
    // (Node closes only the connections idle at that moment), and close would wait for it.
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  const httpDuration = metrics?.httpDuration;
  app.addHook('onResponse', (request, reply, done) => {
    // The route template, not the URL, keeps the label values bounded.
    httpDuration?.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
    // Probes and scrapes come every few seconds and say nothing about users: not logged.
    if (!UNLOGGED_ROUTES.has(request.routeOptions.url ?? '')) {
      request.log.info(
        {
          'http.request.method': request.method,
          'url.path': loggedUrl(request),
          'http.response.status_code': reply.statusCode,
          'event.duration': Math.round(reply.elapsedTime * 1e6),
        },
        `${request.method} ${loggedUrl(request)} ${reply.statusCode}`,
      );
    }
    done();
  });

  for (const register of plugins) await register(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sdp — Student Depression Project API',
        description:
          'Anonymous student mental-health survey and the screening model behind it. ' +
          'Model scores are screening aids, never a diagnosis.',
        version,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      ...(access ? { components: { securitySchemes: access.securitySchemes as never } } : {}),
    },
    transform: jsonSchemaTransform,
    transformObject: (input) =>
      finishOpenApiDocument(jsonSchemaTransformObject(input) as OpenApiDocument) as never,
  });
  // The docs UI sets its own policy (hashes of its inline parts), made as strict as ours: no
  // framing, nothing from other hosts (its online validator is off).
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replaceAll(' https:', '')
        .replace(' validator.swagger.io', ''),
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { access: docsPolicy } }, async () =>
    app.swagger(),
  );
  if (metrics) {
    const config = { access: metricsPolicy };
    app.get('/metrics', { schema: { hide: true }, config }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }

  for (const register of routes) await register(app);
  return app;
}

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The policy admits this server and nothing else: the browser refuses any third-party
 * request (CDN, fonts, analytics) even if one crept in. HSTS is set apart, only over TLS.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'no-referrer' },
});

/** The path as logged: a route whose path holds a secret shows its template instead. */
function loggedUrl(request: FastifyRequest): string {
  return request.routeOptions.config.secretPath ? (request.routeOptions.url ?? '') : request.url;
}

/**
 * Every route refuses text that cannot be stored (NUL, unpaired surrogates) in its body, query
 * or path parameters, before its own validation runs: one such value must never reach a
 * database write shared with other requests. (Node's HTTP parser already refuses NUL in
 * headers, and headers cannot carry surrogates.)
 */
function unstorableTextError(request: {
  body?: unknown;
  query?: unknown;
  params?: unknown;
}): DomainError | undefined {
  for (const part of ['params', 'query', 'body'] as const) {
    const at = findUnstorableText(request[part]);
    if (at !== undefined) {
      return DomainError.invalid(`The request ${part} holds text that cannot be stored.`, {
        details: [{ field: `${part}.${at}`, message: STORABLE_TEXT_MESSAGE }],
      });
    }
  }
  return undefined;
}

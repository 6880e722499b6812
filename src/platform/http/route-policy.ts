import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who may call a route. `public`: anyone (the survey, liveness); `nobody`: no one (routes a
 * plugin brings that sdp does not offer, e.g. bull-board's "add job"); otherwise an identity
 * whose role grants it (src/access/roles.ts). Every route declares one: the server refuses
 * to register a route without, so a new endpoint cannot be open by omission.
 */
export const ROUTE_POLICIES = [
  'public',
  'viewer',
  'operator',
  'admin',
  'predict',
  'nobody',
] as const;
export type RoutePolicy = (typeof ROUTE_POLICIES)[number];

/** Who is calling, once authenticated (set by the access control on the request). */
export interface Caller {
  /** For logs and the audit: e.g. `token:ci-deploy` or `user:ada`. */
  actor: string;
  /** Whether this caller may call routes of `policy`. */
  may(policy: RoutePolicy): boolean;
}

/** A registered route and who may call it (see `App.routePolicies`). */
export interface RouteAccess {
  method: string;
  url: string;
  policy: RoutePolicy;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far with its policy: for the test that walks them all. */
    routePolicies(): readonly RouteAccess[];
  }
  interface FastifyRequest {
    /** Set by the access control when the request carries valid credentials. */
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** Who may call the route (required; see route-policy.ts). */
    access?: RoutePolicy;
    /** The path holds a secret (a receipt code): logs show the route template instead. */
    secretPath?: boolean;
  }
}

/** The policy of routes that a plugin registers (docs UI, bull-board), by path prefix. */
export interface PrefixPolicy {
  prefix: string;
  policy: (method: string, url: string) => RoutePolicy;
}

/** Who may call what, enforced per request (src/access supplies it; tests may leave it out). */
export interface AccessControl {
  /** Routes registered by plugins, which cannot declare a policy themselves. */
  prefixes: readonly PrefixPolicy[];
  /**
   * Admits the request under `policy` or throws (401/403). Called for public routes too, so
   * that a caller who presents credentials is known (e.g. /readyz shows them details).
   * Returns nothing when it decided without waiting (no credentials: the survey's path). It
   * may answer itself instead (a browser sent to the login page).
   */
  authorize(
    request: FastifyRequest,
    reply: FastifyReply,
    policy: RoutePolicy,
  ): void | Promise<void>;
  /** OpenAPI security schemes; every protected operation requires one of them. */
  securitySchemes: Record<string, Record<string, unknown>>;
}

/** The policy a route declared, else the policy of the first prefix its URL falls under. */
export function resolvePolicy(
  declared: RoutePolicy | undefined,
  method: string,
  url: string,
  prefixes: readonly PrefixPolicy[],
): RoutePolicy | undefined {
  if (declared) return declared;
  const match = prefixes.find(
    ({ prefix }) => url === prefix || url.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
  );
  return match?.policy(method, url);
}

/** Who a change is attributed to: the caller, or `api` where no access control runs (tests). */
export const actorOf = (request: FastifyRequest): string => request.caller?.actor ?? 'api';

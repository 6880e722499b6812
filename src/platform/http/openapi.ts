/** The parts of an OpenAPI document this module touches. */
interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
export interface OpenApiDocument {
  servers?: { url: string; description?: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const PROBLEM_REF = '#/components/schemas/Problem';
const COMPONENT_REF = /"#\/components\/schemas\/([^"]+)"/g;

/**
 * The generated document, finished where the generator stops short: each operation gets an
 * `operationId` (from its method and path, unless it set one), problem documents are served
 * as `application/problem+json` and documented so, the server is named, and components no
 * operation reaches are dropped — the generator registers an input and an output copy of
 * every schema; where only the input copy is used it takes the plain name.
 */
export function finishOpenApiDocument<T extends OpenApiDocument>(document: T): T {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      operation.operationId ??= operationIdOf(method, path);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json?.schema?.$ref === PROBLEM_REF) {
          response.content = { 'application/problem+json': json };
        }
      }
    }
  }
  document.servers ??= [{ url: '/', description: 'this server' }];
  return pruneComponents(document);
}

/** `GET /v1/models/{name}/versions/{version}` → `getV1ModelsByNameVersionsByVersion`. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? `by-${part.slice(1, -1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0].toUpperCase() + w.slice(1))].join('');
}

function pruneComponents<T extends OpenApiDocument>(document: T): T {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  // Reachable: referenced from the paths, then from reachable components, transitively.
  const reachable = new Set<string>();
  const visit = (value: unknown) => {
    for (const [, name] of JSON.stringify(value).matchAll(COMPONENT_REF)) {
      if (!reachable.has(name) && name in schemas) {
        reachable.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit(document.paths);
  const renamed = (name: string) => {
    const plain = name.replace(/Input$/, '');
    return plain !== name && !reachable.has(plain) ? plain : name;
  };
  const kept = Object.fromEntries([...reachable].map((name) => [renamed(name), schemas[name]]));
  const text = JSON.stringify({
    ...document,
    components: { ...document.components, schemas: kept },
  });
  return JSON.parse(
    text.replace(
      COMPONENT_REF,
      (_whole, name: string) => `"#/components/schemas/${renamed(name)}"`,
    ),
  ) as T;
}

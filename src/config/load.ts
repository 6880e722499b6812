import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { DomainError } from '../errors.js';
import { parseOverrides, parseScalar, type Override } from './overrides.js';
import { closest } from './suggest.js';

/** The repository's config/ folder, found from this file in both src/ and dist/. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

/**
 * The error for a configuration that cannot be used: every problem at once, each as the key
 * it concerns and what is wrong (`code: 'config'`, so callers can tell it from other bad input).
 */
export function configError(problems: readonly string[]): DomainError {
  return DomainError.invalid('Invalid configuration', {
    code: 'config',
    details: problems.map((problem) => {
      const at = problem.indexOf(': ');
      return at === -1
        ? { field: '(root)', message: problem }
        : { field: problem.slice(0, at), message: problem.slice(at + 2) };
    }),
  });
}

/** The validated root schema: an object schema of sections, strict all the way down. */
export type ConfigSchema = z.ZodObject;

export interface LoadOptions {
  /** Command-line overrides: `group=option` and `dotted.key=value`. */
  overrides?: readonly string[];
  env?: NodeJS.ProcessEnv;
  configDir?: string;
}

export interface LoadedConfig<C> {
  config: C;
  /** The group options chosen, e.g. `{ env: 'embedded' }`, for the record of a run. */
  groups: Record<string, string>;
}

type Tree = Record<string, unknown>;

/**
 * Composes the configuration: base.yaml, then the chosen option of every group, then
 * SDP_<SECTION>__<KEY> environment variables, then command-line overrides; interpolates
 * ${env:NAME,default}; validates. Every mistake is reported at once, with the key it concerns.
 */
export function composeConfig<S extends ConfigSchema>(
  schema: S,
  options: LoadOptions = {},
): LoadedConfig<z.output<S>> {
  const env = options.env ?? process.env;
  const configDir = options.configDir ?? DEFAULT_CONFIG_DIR;
  const groupNames = listGroups(configDir);
  const problems: string[] = [];

  const base = readYaml(path.join(configDir, 'base.yaml')).tree;
  const { defaults, ...self } = base as Tree & { defaults?: unknown };
  const groups = parseDefaults(defaults);

  const keyOverrides: Override[] = [];
  for (const override of parseOverrides(options.overrides ?? [])) {
    const [head] = override.path;
    if (override.path.length === 1 && groupNames.includes(head)) {
      groups.set(head, String(override.value));
    } else {
      keyOverrides.push(override);
    }
  }

  let tree: Tree = {};
  const order = groups.has('_self_') ? [...groups.keys()] : ['_self_', ...groups.keys()];
  for (const group of order) {
    if (group === '_self_') {
      tree = merge(tree, self);
      continue;
    }
    const option = groups.get(group)!;
    const file = path.join(configDir, group, `${option}.yaml`);
    if (!existsSync(file)) {
      const available = listOptions(configDir, group);
      problems.push(
        `${group}=${option}: no such option (available: ${available.join(', ') || 'none'})`,
      );
      continue;
    }
    const { tree: groupTree, global } = readYaml(file);
    tree = merge(tree, global ? groupTree : { [group]: groupTree });
  }

  for (const override of [...envOverrides(schema, env, problems), ...keyOverrides]) {
    tree = setPath(tree, override.path, override.value);
  }

  tree = interpolate(tree, env, [], problems) as Tree;
  if (problems.length) throw configError(problems);

  const result = schema.safeParse(tree);
  if (!result.success) throw configError(describeIssues(schema, result.error.issues));
  const chosen = Object.fromEntries([...groups].filter(([name]) => name !== '_self_'));
  return { config: result.data, groups: chosen };
}

function listGroups(configDir: string): string[] {
  return readdirSync(configDir).filter((name) =>
    statSync(path.join(configDir, name)).isDirectory(),
  );
}

function listOptions(configDir: string, group: string): string[] {
  const dir = path.join(configDir, group);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

function readYaml(file: string): { tree: Tree; global: boolean } {
  const text = readFileSync(file, 'utf8');
  const tree = (parseYaml(text) ?? {}) as unknown;
  if (typeof tree !== 'object' || Array.isArray(tree)) {
    throw configError([`${file}: expected a mapping at the top level`]);
  }
  // Hydra's package header: a group file merges under its group name unless it says global.
  return { tree: tree as Tree, global: /^#\s*@package\s+_global_\s*$/m.test(text) };
}

function parseDefaults(defaults: unknown): Map<string, string> {
  const groups = new Map<string, string>();
  for (const entry of (defaults ?? []) as unknown[]) {
    if (entry === '_self_') groups.set('_self_', '');
    else if (entry && typeof entry === 'object') {
      for (const [group, option] of Object.entries(entry)) groups.set(group, String(option));
    }
  }
  return groups;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(target: Tree, source: Tree): Tree {
  const out: Tree = { ...target };
  for (const [key, value] of Object.entries(source)) {
    out[key] = isTree(value) && isTree(out[key]) ? merge(out[key] as Tree, value) : value;
  }
  return out;
}

function setPath(tree: Tree, keys: string[], value: unknown): Tree {
  const [head, ...rest] = keys;
  if (rest.length === 0) return { ...tree, [head]: value };
  const child = isTree(tree[head]) ? (tree[head] as Tree) : {};
  return { ...tree, [head]: setPath(child, rest, value) };
}

/** The object schema found at a path of the root schema, for matching env variable names. */
function shapeAt(root: ConfigSchema, keys: string[]): Record<string, z.ZodType> | undefined {
  let schema: z.ZodType = root;
  for (const key of keys) {
    const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType> | undefined;
    if (!shape?.[key]) return undefined;
    schema = shape[key];
  }
  return (schema as z.ZodObject).shape as Record<string, z.ZodType> | undefined;
}

const normalise = (name: string) => name.replace(/_/g, '').toLowerCase();

/** SDP_SERVER__PORT=9090 → server.port=9090 (`__` separates levels; case and `_` are ignored). */
function envOverrides(
  schema: ConfigSchema,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Override[] {
  const overrides: Override[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SDP_') || !name.includes('__') || raw === undefined) continue;
    const segments = name.slice(4).split('__');
    const keys: string[] = [];
    for (const segment of segments) {
      const shape = shapeAt(schema, keys);
      const key = shape && Object.keys(shape).find((k) => normalise(k) === normalise(segment));
      if (!key) {
        const known = shape ? Object.keys(shape) : [];
        const hint = closest(segment, known);
        problems.push(
          `${name}: no config key "${[...keys, segment.toLowerCase()].join('.')}"` +
            (hint ? ` (did you mean ${[...keys, hint].join('.')}?)` : ''),
        );
        break;
      }
      keys.push(key);
    }
    if (keys.length === segments.length) {
      overrides.push({ path: keys, value: parseScalar(raw), text: `${name}=${raw}` });
    }
  }
  return overrides;
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?:,([^}]*))?\}/g;

function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  at: string[],
  problems: string[],
): unknown {
  if (typeof value === 'string') {
    let missing = false;
    const whole = value.match(/^\$\{env:[^}]*\}$/);
    const text = value.replace(ENV_REF, (_, name: string, fallback?: string) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      missing = true;
      problems.push(`${at.join('.')}: environment variable ${name} is not set`);
      return '';
    });
    if (missing) return value;
    // A value that is one reference takes the type of what it expands to (PORT=9090 → 9090).
    return whole ? parseScalar(text) : text;
  }
  if (Array.isArray(value))
    return value.map((item, i) => interpolate(item, env, [...at, String(i)], problems));
  if (isTree(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolate(item, env, [...at, key], problems),
      ]),
    );
  }
  return value;
}

function describeIssues(schema: ConfigSchema, issues: z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const where = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(shapeAt(schema, where) ?? {});
      return issue.keys.map((key) => {
        const hint = closest(key, known);
        const full = [...where, key].join('.');
        return hint
          ? `${full}: unknown key; did you mean ${[...where, hint].join('.')}?`
          : `${full}: unknown key (allowed here: ${known.join(', ')})`;
      });
    }
    return [`${where.join('.') || '(root)'}: ${issue.message}`];
  });
}

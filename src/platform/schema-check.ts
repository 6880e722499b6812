import type { z } from 'zod';

/**
 * A fast acceptance test compiled from a zod object schema, for hot paths: each row of an
 * ingest, each body of a prediction request. It is derived from the schema, so the schema
 * stays the single source of the rules: it reads the schema's definition (enums, literals,
 * number bounds, string length limits and patterns, nullable, unions, strict objects, arrays with length
 * limits) and gives up — returns `undefined` — on anything it does not know, in which case
 * callers just use zod.
 *
 * Contract: when the compiled parser returns a value, zod's `safeParse` would succeed with an
 * equal value. It may return `undefined` for input zod accepts (callers then ask zod), and it
 * never explains a failure: callers run zod on the rows it refuses, so messages are zod's.
 */
export type FastParser<T> = (input: Record<string, unknown>) => T | undefined;

/** A compiled field check: returns the value zod would output, or `REJECT`. */
export type FieldCheck = (value: unknown) => unknown;

/** What a `FieldCheck` returns for a value it does not accept. */
export const REJECT: unique symbol = Symbol('reject');

interface Def {
  type: string;
  coerce?: boolean;
  checks?: { _zod: { def: CheckDef } }[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  options?: ZodLike[];
  innerType?: ZodLike;
  shape?: Record<string, ZodLike>;
  catchall?: ZodLike;
  element?: ZodLike;
}

interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: unknown;
  maximum?: unknown;
  tx?: unknown;
  when?: unknown;
  format?: string;
  pattern?: unknown;
}

interface ZodLike {
  _zod: { def: Def };
}

function compileNumber(def: Def): FieldCheck | undefined {
  const bounds: ((value: number) => boolean)[] = [];
  for (const { _zod } of def.checks ?? []) {
    const check = _zod.def;
    if (typeof check.value !== 'number' || check.when !== undefined) return undefined;
    const limit = check.value;
    if (check.check === 'greater_than')
      bounds.push(check.inclusive ? (v) => v >= limit : (v) => v > limit);
    else if (check.check === 'less_than')
      bounds.push(check.inclusive ? (v) => v <= limit : (v) => v < limit);
    else return undefined;
  }
  const [a, b, ...more] = bounds;
  if (more.length > 0) return undefined;
  if (a && b)
    return (value) =>
      typeof value === 'number' && Number.isFinite(value) && a(value) && b(value) ? value : REJECT;
  if (a)
    return (value) =>
      typeof value === 'number' && Number.isFinite(value) && a(value) ? value : REJECT;
  return (value) => (typeof value === 'number' && Number.isFinite(value) ? value : REJECT);
}

/**
 * The length checks (and, for strings, overwrites such as `.trim()` and `.regex()`) of a
 * string or array schema as steps run in order, or `undefined` for a check this module does
 * not know.
 */
function compileCheckSteps<V extends { length: number }>(
  def: Def,
): ((value: V) => V | typeof REJECT)[] | undefined {
  // Checks run in order: an `overwrite` (such as `.trim()`) changes the value the later
  // length checks see, and is what zod outputs.
  const steps: ((value: V) => V | typeof REJECT)[] = [];
  for (const { _zod } of def.checks ?? []) {
    const check = _zod.def;
    let step: (value: V) => V | typeof REJECT;
    if (check.check === 'overwrite' && typeof check.tx === 'function' && def.type === 'string') {
      const tx = check.tx as (value: V) => unknown;
      step = (value) => {
        const next = tx(value);
        return typeof next === 'string' ? (next as unknown as V) : REJECT;
      };
    } else if (check.check === 'min_length' && typeof check.minimum === 'number') {
      const minimum = check.minimum;
      step = (value) => (value.length >= minimum ? value : REJECT);
    } else if (check.check === 'max_length' && typeof check.maximum === 'number') {
      const maximum = check.maximum;
      step = (value) => (value.length <= maximum ? value : REJECT);
    } else if (
      def.type === 'string' &&
      check.check === 'string_format' &&
      check.format === 'regex' &&
      check.pattern instanceof RegExp &&
      // A global or sticky pattern keeps state between tests; zod resets it, we would not.
      !check.pattern.global &&
      !check.pattern.sticky
    ) {
      const pattern = check.pattern;
      step = (value) => (pattern.test(value as unknown as string) ? value : REJECT);
    } else return undefined;
    // zod skips a check whose `when` (e.g. "the value has a length") says no.
    if (typeof check.when === 'function') {
      const when = check.when as (payload: { value: unknown; issues: unknown[] }) => boolean;
      const always = step;
      step = (value) => (when({ value, issues: [] }) ? always(value) : value);
    } else if (check.when !== undefined) return undefined;
    steps.push(step);
  }
  return steps;
}

function runSteps<V>(value: V, steps: ((value: V) => V | typeof REJECT)[]): V | typeof REJECT {
  let current: V | typeof REJECT = value;
  for (const step of steps) {
    current = step(current);
    if (current === REJECT) return REJECT;
  }
  return current;
}

function compileString(def: Def): FieldCheck | undefined {
  const steps = compileCheckSteps<string>(def);
  return steps && ((value) => (typeof value === 'string' ? runSteps(value, steps) : REJECT));
}

function compileArray(def: Def): FieldCheck | undefined {
  const element = def.element && compile(def.element);
  const steps = compileCheckSteps<unknown[]>(def);
  if (!element || !steps) return undefined;
  return (value) => {
    if (!Array.isArray(value)) return REJECT;
    const output: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = element(value[i]);
      if (item === REJECT) return REJECT;
      output[i] = item;
    }
    return runSteps(output, steps);
  };
}

/** A plain object with `count` own enumerable keys and no enumerable inherited ones. */
function hasOnlyOwnKeys(input: unknown, count: number): input is Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return false;
  let own = 0;
  for (const key in input) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) return false;
    own++;
  }
  return own === count;
}

/** A strict object: exactly the schema's own keys, each passing its check (zod's output). */
function compileStrictObject(def: Def): FieldCheck | undefined {
  const compiled = fieldChecksOf(def);
  if (!compiled) return undefined;
  const { keys, checks } = compiled;
  const count = keys.length;
  return (record) => {
    if (!hasOnlyOwnKeys(record, count)) return REJECT;
    const output: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const key = keys[i];
      if (!Object.prototype.hasOwnProperty.call(record, key)) return REJECT;
      const value = checks[i](record[key]);
      if (value === REJECT) return REJECT;
      output[key] = value;
    }
    return output;
  };
}

function compile(schema: ZodLike): FieldCheck | undefined {
  const def = schema._zod.def;
  if (def.coerce) return undefined;
  switch (def.type) {
    case 'number':
      return compileNumber(def);
    case 'string':
      return compileString(def);
    case 'array':
      return compileArray(def);
    case 'object':
      return compileStrictObject(def);
    case 'enum': {
      if (def.checks?.length || !def.entries) return undefined;
      // Returns the schema's own (equal) string: a million rows then share a few strings
      // instead of each keeping its own copy alive.
      const allowed = new Map(Object.values(def.entries).map((value) => [value, value]));
      return (value) => (allowed.has(value) ? allowed.get(value) : REJECT);
    }
    case 'literal': {
      if (def.checks?.length || !def.values) return undefined;
      const allowed = new Set(def.values);
      return (value) => (allowed.has(value) ? value : REJECT);
    }
    case 'nullable': {
      if (def.checks?.length || !def.innerType) return undefined;
      const inner = compile(def.innerType);
      return inner && ((value) => (value === null ? null : inner(value)));
    }
    case 'union': {
      if (def.checks?.length || !def.options) return undefined;
      const options = def.options.map(compile);
      if (options.some((option) => option === undefined)) return undefined;
      const checks = options as FieldCheck[];
      // zod returns the first option that succeeds.
      return (value) => {
        for (const check of checks) {
          const result = check(value);
          if (result !== REJECT) return result;
        }
        return REJECT;
      };
    }
    default:
      return undefined;
  }
}

/**
 * The fields of a strict zod object schema (`z.strictObject`) with one compiled check each,
 * in the schema's key order, or `undefined` when some field uses a construct this module
 * does not know. Fields may be enums, literals, bounded numbers, length-limited strings with
 * overwrites like `.trim()` and patterns, nullables and unions of those.
 */
export function compileFieldChecks(
  schema: z.ZodType,
): { keys: string[]; checks: FieldCheck[] } | undefined {
  return fieldChecksOf((schema as unknown as ZodLike)._zod.def);
}

function fieldChecksOf(def: Def): { keys: string[]; checks: FieldCheck[] } | undefined {
  // Only strict objects: unknown keys must fail, as in zod.
  if (def.type !== 'object' || !def.shape || def.checks?.length) return undefined;
  if (def.catchall?._zod.def.type !== 'never') return undefined;
  const keys = Object.keys(def.shape);
  const checks: FieldCheck[] = [];
  for (const key of keys) {
    const check = compile(def.shape[key]);
    if (!check) return undefined;
    checks.push(check);
  }
  return { keys, checks };
}

/**
 * A yes/no form of `compileFastParser` that builds nothing: `true` means zod accepts the
 * object; `false` means ask zod. `undefined` when the schema cannot be compiled.
 */
export function compileFastCheck(
  schema: z.ZodType,
): ((input: Record<string, unknown>) => boolean) | undefined {
  const compiled = compileFieldChecks(schema);
  if (!compiled) return undefined;
  const { keys, checks } = compiled;
  const count = keys.length;
  return (input) => {
    if (!hasOnlyOwnKeys(input, count)) return false;
    for (let i = 0; i < count; i++) {
      const key = keys[i];
      if (!Object.prototype.hasOwnProperty.call(input, key)) return false;
      if (checks[i](input[key]) === REJECT) return false;
    }
    return true;
  };
}

/**
 * The whole-object form of `compileFieldChecks`: `undefined` when the schema cannot be
 * compiled, else a parser that returns zod's output or `undefined`. Nested strict objects and
 * arrays are compiled too.
 *
 * @example
 * const fast = compileFastParser(labelledRespondentSchema);
 * const ok = fast?.(record) !== undefined || labelledRespondentSchema.safeParse(record).success;
 */
export function compileFastParser<S extends z.ZodType>(
  schema: S,
): FastParser<z.output<S>> | undefined {
  const check = compileStrictObject((schema as unknown as ZodLike)._zod.def);
  if (!check) return undefined;
  return (input) => {
    const output = check(input);
    return output === REJECT ? undefined : (output as z.output<S>);
  };
}

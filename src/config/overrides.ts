import { parse as parseYaml } from 'yaml';
import { DomainError } from '../errors.js';

/** One `key=value` from the command line: a group choice (`env=production`) or a dotted key. */
export interface Override {
  path: string[];
  value: unknown;
  /** The text as the user wrote it, for error messages. */
  text: string;
}

const OVERRIDE = /^([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)=(.*)$/s;

/** Parses `a.b=value` overrides; values are YAML scalars (`9090` is a number, `true` a boolean). */
export function parseOverrides(args: readonly string[]): Override[] {
  return args.map((text) => {
    const match = OVERRIDE.exec(text);
    if (!match) {
      throw DomainError.invalid(
        `Bad override "${text}": expected key=value, e.g. server.port=9090`,
        { code: 'config' },
      );
    }
    return { path: match[1].split('.'), value: parseScalar(match[2]), text };
  });
}

/** A YAML scalar as typed by YAML rules; an empty string stays an empty string. */
export function parseScalar(raw: string): unknown {
  if (raw.trim() === '') return raw;
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}

/**
 * Expands a multirun sweep (Hydra's `-m`): every value with commas is a list of choices, and
 * the result is their cartesian product, one override list per run, in command-line order.
 */
export function expandSweep(args: readonly string[]): string[][] {
  let runs: string[][] = [[]];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const choices = eq > 0 ? arg.slice(eq + 1).split(',') : [arg];
    const key = arg.slice(0, eq + 1);
    const options = eq > 0 ? choices.map((choice) => key + choice) : [arg];
    runs = runs.flatMap((run) => options.map((option) => [...run, option]));
  }
  return runs;
}

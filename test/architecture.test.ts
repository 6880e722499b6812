import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness/sdp-process.js';

/**
 * The layers of docs/architecture.md, checked on the import graph of src/ (production code;
 * tests may reach across layers to assemble what they test):
 *
 *   cli, app  →  domains  →  platform  →  config, errors.ts, version.ts
 *
 * A layer imports only from layers below it; domains may use each other.
 */
const SRC = path.join(REPO_ROOT, 'src');
const DOMAINS = [
  'data',
  'ml',
  'training',
  'tracking',
  'tuning',
  'serving',
  'survey',
  'access',
  'pipelines',
  'monitoring',
];

type Layer = 'top' | 'domain' | 'platform' | 'base';

function layerOf(file: string): Layer {
  const [head] = file.split('/');
  if (head === 'cli' || head === 'app') return 'top';
  if (DOMAINS.includes(head)) return 'domain';
  if (head === 'platform') return 'platform';
  return 'base'; // config/, errors.ts, version.ts
}

const RANK: Record<Layer, number> = { top: 3, domain: 2, platform: 1, base: 0 };

function isProduction(file: string): boolean {
  return (
    !file.endsWith('.test.ts') && !file.includes('/testing/') && !file.endsWith('.conformance.ts')
  );
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Relative imports of a file (static, re-exports and dynamic), as paths under src/. */
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const found: Import[] = [];
  const pattern =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] ?? match[4];
    const target = path.normalize(path.join(path.dirname(file), specifier)).replace(/\.js$/, '.ts');
    if (target.startsWith('..')) continue; // outside src/ (e.g. web assets)
    found.push({ from: file, to: target, typeOnly: Boolean(match[2]) });
  }
  return found;
}

const files = sourceFiles().filter(isProduction);
const imports = files.flatMap(importsOf);
const describeImport = (i: Import) => `${i.from} → ${i.to}`;

describe('the import graph', () => {
  it('sees the source tree (a check that reads nothing proves nothing)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports.some((i) => i.from === 'app/runtime.ts' && i.to === 'app/config.ts')).toBe(true);
  });

  it('points downwards only: no layer imports one above it', () => {
    const upwards = imports.filter((i) => RANK[layerOf(i.to)] > RANK[layerOf(i.from)]);
    // The one exception: the database's type is the union of every domain's tables, next to
    // the migrations that create them all (type-only, no code runs).
    const allowed = (i: Import) =>
      i.from === 'platform/db/schema.ts' && i.typeOnly && i.to.endsWith('/tables.ts');
    expect(upwards.filter((i) => !allowed(i)).map(describeImport)).toEqual([]);
  });

  it('keeps the composed configuration out of every module but cli and app', () => {
    const composed = imports.filter((i) => i.to === 'app/config.ts' && layerOf(i.from) !== 'top');
    expect(composed.map(describeImport)).toEqual([]);
  });

  it('builds repositories only in the composition root', () => {
    const constructing = files.filter(
      (file) =>
        !file.startsWith('app/') &&
        /new [A-Z]\w*Repository\(/.test(readFileSync(path.join(SRC, file), 'utf8')),
    );
    expect(constructing).toEqual([]);
  });
});

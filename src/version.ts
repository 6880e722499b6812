import { readFileSync } from 'node:fs';

/** The package version: shown by `sdp --version`, in the OpenAPI document, recorded with runs. */
export const VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

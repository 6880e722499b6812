#!/usr/bin/env node
// Entry point of the `sdp` program. The TypeScript sources are compiled to dist/ by
// `npm ci` (the `prepare` script), so the program starts without a TypeScript runtime.
import { main } from '../dist/cli/main.js';

main(process.argv).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * The compiled file of a worker module next to `moduleUrl`. Workers cannot run TypeScript,
 * so when the caller is itself a .ts source (under vitest or tsx) the worker is taken from
 * dist/: run `npm run build` first (`npm test` does).
 *
 * @example new Worker(compiledWorkerUrl('./cv-worker.js', import.meta.url))
 */
export function compiledWorkerUrl(relativePath: string, moduleUrl: string): URL {
  const url = new URL(relativePath, moduleUrl);
  if (moduleUrl.endsWith('.ts')) {
    const at = url.pathname.lastIndexOf('/src/');
    if (at === -1)
      throw new Error(`cannot map ${moduleUrl} to its compiled file: no /src/ in the path`);
    url.pathname = `${url.pathname.slice(0, at)}/dist/${url.pathname.slice(at + '/src/'.length)}`;
  }
  return url;
}

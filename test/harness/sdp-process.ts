import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './services.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SDP_BIN = path.join(REPO_ROOT, 'bin', 'sdp.js');

export interface SdpProcess {
  url: string;
  /** Headers with the admin token the process was started with (SDP_ADMIN_TOKEN_FILE). */
  admin: { authorization: string };
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(
    signal?: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Every sdp this test process started and that still runs: killed when it exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the real program (`node bin/sdp.js start`, the compiled build) on a free port with
 * a throwaway data directory, and resolves once it prints its URL. A test that fails before
 * stopping it leaves nothing running: the process is killed when the test process exits.
 */
export async function startSdp(
  options: {
    /** `start` (default), or `serve` / `worker` for the distributed roles. */
    command?: 'start' | 'serve' | 'worker';
    args?: string[];
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    dataDir?: string;
  } = {},
): Promise<SdpProcess> {
  const port = await freePort();
  // A data directory given by the caller outlives the process (for restart tests).
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'sdp-e2e-'));
  // Every process starts with a known admin token, given as production would give it: a file.
  const adminToken = `sdp_${randomBytes(32).toString('base64url')}`;
  const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), 'sdp-admin-')), 'admin-token');
  writeFileSync(tokenFile, `${adminToken}\n`, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SDP_DATA_DIR: dataDir,
    PORT: String(port),
    SDP_ADMIN_TOKEN_FILE: tokenFile,
    ...options.env,
  };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SDP_BLOBS_URL']) {
    if (!options.env?.[name]) delete env[name];
  }
  const command = options.command ?? 'start';
  const child = spawn(process.execPath, [SDP_BIN, command, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`sdp did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    const onData = () => {
      if (/listening on|sdp (worker )?is running/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sdp exited with ${code} before it was ready:\n${output}`));
    });
  });

  return {
    url,
    admin: { authorization: `Bearer ${adminToken}` },
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        const started = performance.now();
        child.once('exit', (code, exitSignal) => {
          if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
          resolve({ code, signal: exitSignal, ms: performance.now() - started });
        });
        child.kill(signal);
      }),
  };
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { cvWorkerUrl } from '../ml/cross-validate.js';
import { runFold, type FoldResult, type FoldTask } from '../ml/cv-fold.js';

/** Runs CV folds: in this thread, or on a pool of worker threads shared by concurrent trials. */
export interface FoldRunner {
  run(task: FoldTask): Promise<FoldResult>;
  close(): Promise<void>;
}

/**
 * A fold runner for `threads` trials at once. With one thread folds run here, as
 * `crossValidate` does; with more, on the cross-validation worker (dist/ml/cv-worker.js), so
 * trials reuse the CV machinery and the frame stays in shared memory.
 */
export function createFoldRunner(threads: number): FoldRunner {
  if (threads <= 1) {
    return {
      // A microtask boundary keeps heartbeats and progress flowing between folds.
      run: async (task) => {
        await new Promise((resolve) => setImmediate(resolve));
        return runFold(task);
      },
      close: async () => {},
    };
  }
  const workerUrl = cvWorkerUrl();
  if (!existsSync(fileURLToPath(workerUrl))) {
    throw new Error(
      `compiled CV worker not found at ${fileURLToPath(workerUrl)}: run \`npm run build\` first`,
    );
  }
  const pool = new Piscina<FoldTask, FoldResult>({
    filename: workerUrl.href,
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    run: (task) =>
      pool.run(task, { transferList: [task.train.buffer, task.test.buffer] as ArrayBuffer[] }),
    close: () => pool.destroy(),
  };
}

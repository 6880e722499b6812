import { Writable } from 'node:stream';
import { pino } from 'pino';

/** A logger whose lines a test can read (to check what reaches the log, and what not). */
export function capturedLog(level = 'info') {
  const lines: string[] = [];
  const log = pino(
    { level },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { log, text: () => lines.join('') };
}

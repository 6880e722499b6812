import { ecsFormat } from '@elastic/ecs-pino-format';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogSettings } from './settings.js';

export type { Logger };

/**
 * The process logger. JSON lines with Elastic Common Schema fields (`@timestamp`,
 * `log.level`, `message`, `service.name`, …) for machines and log shippers; readable
 * coloured lines when writing to a terminal (`log.format: auto`).
 */
export function createLogger(
  settings: LogSettings,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Logger {
  const { level, format } = settings;
  const readable = format === 'pretty' || (format === 'auto' && Boolean(destination.isTTY));
  if (readable) {
    return pino(
      { level },
      pretty({ destination, sync: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }),
    );
  }
  const ecs = ecsFormat({ serviceName: 'sdp', convertReqRes: true, apmIntegration: false });
  return pino({ ...ecs, level }, pino.destination({ dest: fdOf(destination), sync: false }));
}

function fdOf(stream: NodeJS.WritableStream): number {
  return stream === process.stdout ? 1 : 2;
}

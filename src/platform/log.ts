import { ecsFormat } from '@elastic/ecs-pino-format';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config/schema.js';

export type { Logger };

/**
 * The process logger. JSON lines with Elastic Common Schema fields (`@timestamp`,
 * `log.level`, `message`, `service.name`, …) for machines and log shippers; readable
 * coloured lines when writing to a terminal (`log.format: auto`).
 */
export function createLogger(
  config: Pick<Config, 'log'>,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Logger {
  const { level, format } = config.log;
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

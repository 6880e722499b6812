import { z } from 'zod';

/** The `log` section: how much the process says, and in which form. */
export const logSettingsSchema = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  /** auto: readable lines on a terminal, ECS JSON lines otherwise. */
  format: z.enum(['auto', 'json', 'pretty']),
});
export type LogSettings = z.infer<typeof logSettingsSchema>;

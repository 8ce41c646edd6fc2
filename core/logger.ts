import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; `msg` is the stable field scripts grep for. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'marquee', ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

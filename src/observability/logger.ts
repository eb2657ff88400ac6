import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON event per line. Credentials are redacted by path wherever they might appear; message
 * text is only ever passed to the logger when `logging.content` is on (callers check).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'smtp2sms' },
      redact: { paths: ['password', '*.password', '*.*.password', 'auth.password', 'config.redis.url'], censor: '********' },
    },
    destination ?? process.stdout,
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

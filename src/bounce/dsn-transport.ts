import { isAscii } from 'node:buffer';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { BounceError } from '../errors.js';

export interface DsnTransport {
  /**
   * Sends one DSN from the null sender to `to`; rejects with a BounceError, permanent when the
   * other side refused it for good (the task is retried otherwise).
   */
  send(to: string, message: Buffer, id: string): Promise<string>;
  close(): void;
}

/** DSNs to a smarthost over SMTP, `MAIL FROM:<>` so that a bounce can never bounce back. */
export function smtpDsnTransport(options: { host: string; port: number; name: string; timeoutMs?: number }): DsnTransport {
  const transporter: Transporter = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: false,
    name: options.name,
    // Opportunistic STARTTLS; a smarthost on loopback usually has no trusted certificate.
    tls: { rejectUnauthorized: false },
    connectionTimeout: options.timeoutMs ?? 10_000,
    greetingTimeout: options.timeoutMs ?? 10_000,
    socketTimeout: options.timeoutMs ?? 30_000,
  });
  return {
    async send(to, message) {
      // BODY=8BITMIME when a returned original carries 8-bit bytes (declared in the DSN).
      try {
        const info = await transporter.sendMail({ envelope: { from: '', to: [{ name: '', address: to }], ...(isAscii(message) ? {} : { use8BitMime: true }) }, raw: message });
        return `smtp: ${String(info.response ?? 'sent')}`;
      } catch (err) {
        // Only a 5xx to RCPT or DATA is about this bounce; one to the greeting, EHLO or MAIL FROM:<>
        // is the smarthost refusing the relay (its set-up), and every bounce waits until it is fixed.
        const { responseCode: code, command } = err as { responseCode?: number; command?: string };
        const refused = code !== undefined && code >= 500 && code < 600 && (command === 'RCPT TO' || command === 'DATA');
        // 552 to DATA: this message is too big for it, which a smaller DSN may not be.
        const reason = !refused ? 'DSN_UNSENT' : code === 552 && command === 'DATA' ? 'DSN_TOO_BIG' : 'DSN_REFUSED';
        throw new BounceError(reason, `smtp: ${(err as Error).message}`, refused, { cause: err });
      }
    },
    close: () => transporter.close(),
  };
}

/** The embedded default: DSNs as .eml files, written whole (temp file, then rename). */
export function outboxDsnTransport(directory: string): DsnTransport {
  return {
    async send(_to, message, id) {
      await mkdir(directory, { recursive: true });
      // Named after the DSN task, so a retried task overwrites its own file instead of adding one.
      const name = `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.eml`;
      const temp = join(directory, `.${name}.tmp`);
      await writeFile(temp, message);
      await rename(temp, join(directory, name));
      return `outbox: ${join(directory, name)}`;
    },
    close: () => undefined,
  };
}

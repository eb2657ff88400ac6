import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { ConfigError } from '../errors.js';

export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
}

export interface TlsSettings {
  key?: string;
  cert?: string;
  selfSigned: boolean;
  dir: string;
}

/**
 * Key and certificate for STARTTLS. With `selfSigned`, a certificate is made once under `dir` and
 * reused (like a distribution's snakeoil certificate): Alertmanager and other senders insist on
 * STARTTLS by default, and accept an unverified certificate when told to.
 */
export async function loadTlsMaterial(settings: TlsSettings, hostname: string): Promise<TlsMaterial> {
  if (settings.key && settings.cert) {
    return { key: readOrExplain(settings.key, 'smtp.tls.key'), cert: readOrExplain(settings.cert, 'smtp.tls.cert') };
  }
  const keyFile = join(settings.dir, 'smtp2sms.key');
  const certFile = join(settings.dir, 'smtp2sms.crt');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    const notAfterDate = new Date(Date.now() + 10 * 365 * 86_400_000);
    const pems = await generate([{ name: 'commonName', value: hostname }], {
      keySize: 2048,
      notAfterDate,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    mkdirSync(settings.dir, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
  }
  return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

function readOrExplain(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new ConfigError('TLS_FILE_UNREADABLE', `${key}: cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

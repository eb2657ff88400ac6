import type { Config } from './config/schema.js';
import { parseMail } from './mail/parse.js';
import { renderSmsText } from './render/index.js';
import { buildSms } from './sms/index.js';
import { toE164 } from './smtp/phone-number.js';

/** The text `smtp2sms preview` prints: recipients, encoding, segment count and each segment. */
export async function previewMail(raw: Buffer, config: Config): Promise<string> {
  const mail = await parseMail(raw);
  const text = renderSmsText(mail, { template: config.sms.template });
  const firstCarrier = config.carriers[config.routes[0]?.carriers[0] ?? ''];
  const concat = firstCarrier?.concat ?? 'udh8';
  const sms = buildSms(text, {
    maxSegments: config.sms.maxSegments,
    concat,
    transliterate: config.sms.transliterate,
    ...(config.sms.truncationMarker !== undefined ? { truncationMarker: config.sms.truncationMarker } : {}),
  });
  const recipients = (mail.headers.to ?? '')
    .split(',')
    .map((a) => a.replace(/^.*</, '').replace(/>.*$/, '').trim())
    .filter((a) => a.includes('@'))
    .map((a) => {
      const number = toE164(a.slice(0, a.lastIndexOf('@')), config.sms.defaultRegion, config.sms.numberValidation);
      return number ? `${a} -> ${number}` : `${a} -> (not a valid phone number)`;
    });
  const lines = [
    `recipients: ${recipients.length ? recipients.join(', ') : '(none in To:)'}`,
    `encoding:   ${sms.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'} (data_coding ${sms.dataCoding}), ${sms.units} ${sms.encoding === 'gsm7' ? 'septets' : 'UTF-16 units'}`,
    `segments:   ${sms.segments.length}${sms.truncated ? ` (cut to sms.maxSegments=${config.sms.maxSegments})` : ''}`,
    ...sms.segments.map((s, i) => `[${i + 1}/${sms.segments.length}] ${s.text}`),
  ];
  return `${lines.join('\n')}\n`;
}

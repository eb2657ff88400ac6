import type { Config } from './config/schema.js';
import { parseMail } from './mail/parse.js';
import { MessageError } from './errors.js';
import { renderOptionsFromConfig, renderSms, sendableText, type AlertFields } from './render/index.js';
import { buildSms } from './sms/index.js';
import { gsmAlphabetFor } from './carriers/smpp/options.js';
import { toE164 } from './smtp/phone-number.js';

/** The recogniser's fields, one per line, empty ones left out. */
function fieldLines(fields: AlertFields): string[] {
  const lines: string[] = [];
  const add = (name: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') lines.push(`  ${name.padEnd(9)} ${value}`);
  };
  add('status', fields.status);
  add('state', fields.state);
  add('title', fields.title);
  add('target', fields.target);
  add('severity', fields.severity);
  add('value', fields.value);
  add('count', fields.count);
  (fields.items ?? []).forEach((item, i) => add(i === 0 ? 'items' : '', `${item.target} ${item.value}`.trim()));
  fields.extra.forEach((line, i) => add(i === 0 ? 'extra' : '', line));
  return lines;
}

/**
 * What `smtp2sms preview` prints: recipients, how the mail was read (recogniser, confidence,
 * fields), encoding, segment count and each segment; or, for a mail the relay would refuse at
 * DATA, that refusal (`sendable` false).
 */
export async function previewMail(raw: Buffer, config: Config): Promise<{ output: string; sendable: boolean }> {
  const mail = await parseMail(raw);
  const firstCarrier = config.carriers[config.routes[0]?.carriers[0] ?? ''];
  const concat = firstCarrier?.concat ?? 'udh8';
  const rendered = renderSms(mail, renderOptionsFromConfig(config, concat));
  let text: string;
  try {
    text = sendableText(rendered);
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    return { output: `refused:    554 5.6.0 ${error.message} (the relay answers this to DATA)\n`, sendable: false };
  }
  const sms = buildSms(text, {
    maxSegments: config.sms.maxSegments,
    concat,
    ...(firstCarrier?.type === 'smpp' ? { gsmAlphabet: gsmAlphabetFor(firstCarrier.gsmDataCoding) } : {}),
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
  const recogniser =
    rendered.recogniser !== undefined
      ? `${rendered.recogniser} (confidence ${(rendered.confidence ?? 0).toFixed(2)})`
      : `none (generic condenser${config.render.condense ? '' : ' off'})`;
  const lines = [
    `recipients: ${recipients.length ? recipients.join(', ') : '(none in To:)'}`,
    `recogniser: ${recogniser}`,
    ...(rendered.fields !== undefined ? ['fields:', ...fieldLines(rendered.fields)] : []),
    `template:   ${rendered.template}`,
    `encoding:   ${sms.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'} (data_coding ${sms.dataCoding}), ${sms.units} ${sms.encoding === 'gsm7' ? 'septets' : 'UTF-16 units'}`,
    `segments:   ${sms.segments.length}${sms.truncated ? ` (cut to sms.maxSegments=${config.sms.maxSegments})` : ''}`,
    ...sms.segments.map((s, i) => `[${i + 1}/${sms.segments.length}] ${s.text}`),
  ];
  return { output: `${lines.join('\n')}\n`, sendable: true };
}

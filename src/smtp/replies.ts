import type { SMTPServerError } from 'smtp-server';

/**
 * SMTP replies we send on purpose, with their enhanced status codes written out (smtp-server's
 * automatic codes are off: its defaults would say 5.1.1 for a relay denial).
 */
export function reply(responseCode: number, text: string): SMTPServerError {
  const error: SMTPServerError = new Error(text);
  error.responseCode = responseCode;
  return error;
}

export const replies = {
  clientDenied: (address: string) => reply(550, `5.7.1 Client ${address} is not allowed to use this relay`),
  authRequired: () => reply(530, '5.7.0 Authentication required'),
  authFailed: () => reply(535, '5.7.8 Authentication credentials invalid'),
  senderDenied: (address: string) => reply(550, `5.7.1 Sender <${address}> is not allowed to use this relay`),
  relayDenied: () => reply(550, '5.7.1 Relaying denied'),
  invalidNumber: (address: string) => reply(550, `5.1.1 <${address}>: not a valid phone number`),
  noRoute: (address: string) => reply(550, `5.1.1 <${address}>: no route to this number`),
  tooManyRecipients: (max: number) => reply(452, `4.5.3 Too many recipients (at most ${max} per message)`),
  tooBig: (max: number) => reply(552, `5.3.4 Message too big (at most ${max} bytes)`),
  rateLimited: () => reply(450, '4.7.1 Too many messages, slow down and try again later'),
  busy: () => reply(452, '4.3.1 Insufficient system storage, try again later'),
  queueUnavailable: () => reply(451, '4.3.0 Queue temporarily unavailable, try again later'),
  localError: () => reply(451, '4.3.0 Local error in processing, try again later'),
  unusable: (reason: string) => reply(554, `5.6.0 ${reason}`),
  queued: (txId: string) => `2.0.0 Ok: queued as ${txId}`,
};

/**
 * Plain words for a DSN's reader, by RFC 3463 status (most specific first): the person who gets a
 * bounce wants to know whether to fix the number, the message or call the operator.
 */
const WORDS: [prefix: string, words: string][] = [
  ['5.1.1', 'The number does not exist or cannot receive SMS.'],
  ['5.1.3', 'The number is not in a form the carrier accepts.'],
  ['5.1.7', 'The carrier refused our sender address (an operator matter).'],
  ['5.3.3', 'The number cannot receive this kind of message.'],
  ['5.6.', 'The carrier refused the message content or its encoding.'],
  ['5.7.1', 'The carrier or the network refused the message (barred number or route not allowed).'],
  ['5.7.', 'The carrier refused the relay\'s credentials or account (an operator matter).'],
  ['4.4.7', 'The message could not be delivered before it expired (phone off or out of coverage).'],
  ['4.', 'The carrier could not deliver the message in time.'],
  ['5.', 'The carrier could not deliver the message.'],
];

export function describeStatus(status: string): string {
  return WORDS.find(([prefix]) => status.startsWith(prefix))?.[1] ?? 'The message could not be delivered.';
}

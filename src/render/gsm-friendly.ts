/**
 * Keeps an SMS in GSM-7 when only decoration stands in the way. An emoji status marker
 * ("🔴 Down", "✅ Up") forces the whole message into UCS-2, which halves the room per segment,
 * while the words beside it say the same. Text in other scripts is never touched: a Cyrillic
 * or Chinese message goes UCS-2 as it must.
 */
import type { SmsBudget } from './budget.js';

// Pictographs, their variation selectors and joiners, keycaps and regional indicators.
const DECORATION = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{FE0E}\u{FE0F}\u{200D}\u{20E3}]/gu;

/** `text` without emoji when that makes it GSM-7; otherwise unchanged. */
export function preferGsm(text: string, budget: SmsBudget): string {
  // The budget's encoding is the encoder's own choice, sms.transliterate included.
  if (budget.encoding(text) === 'gsm7') return text;
  const plain = text.replace(DECORATION, '').replace(/\s{2,}/g, ' ').replace(/\[\s+/g, '[').replace(/\(\s+/g, '(').trim();
  return plain !== text && budget.encoding(plain) === 'gsm7' ? plain : text;
}

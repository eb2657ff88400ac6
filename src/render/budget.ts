/**
 * How much of an SMS a text takes, through the same encoder the relay sends with, so the
 * renderer can decide what goes in the first segment (the lock-screen part) and what fits at
 * all. Pure; measuring costs one pass over the text, fitting one encoder pass.
 */
import { buildSms, measureSms, type ConcatMethod, type SmsEncoding } from '../sms/index.js';
import { limitsFor } from '../sms/segment.js';

export interface BudgetOptions {
  maxSegments: number;
  concat: ConcatMethod;
  transliterate: boolean;
}

export const DEFAULT_BUDGET: Readonly<BudgetOptions> = { maxSegments: 3, concat: 'udh8', transliterate: true };

export class SmsBudget {
  constructor(readonly options: BudgetOptions = DEFAULT_BUDGET) {}

  private build(text: string, maxSegments: number): ReturnType<typeof buildSms> {
    return buildSms(text, { maxSegments, concat: this.options.concat, transliterate: this.options.transliterate });
  }

  /** Encoding the relay would choose for `text`. */
  encoding(text: string): SmsEncoding {
    return measureSms(text, this.options.transliterate).encoding;
  }

  /** Septets or UTF-16 units of `text` after transliteration. */
  units(text: string): number {
    return measureSms(text, this.options.transliterate).units;
  }

  /** Whether `text` goes out whole within maxSegments. */
  fits(text: string): boolean {
    return !this.build(text, this.options.maxSegments).truncated;
  }

  /** Room of the first segment, in units, for a message of `encoding` that is or is not split. */
  firstRoom(encoding: SmsEncoding, split: boolean): number {
    const limits = limitsFor(encoding, this.options.concat);
    return split && this.options.maxSegments > 1 ? limits.perPart : limits.single;
  }

  /** Room of the whole message, in units. */
  totalRoom(encoding: SmsEncoding): number {
    const limits = limitsFor(encoding, this.options.concat);
    return this.options.maxSegments === 1 ? limits.single : limits.perPart * this.options.maxSegments;
  }

  /** The first segment's text of `text` as sent. */
  firstSegment(text: string): string {
    return this.build(text, this.options.maxSegments).segments[0]?.text ?? '';
  }
}

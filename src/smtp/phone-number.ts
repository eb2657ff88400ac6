import { parsePhoneNumberFromString as parseMin, type CountryCode } from 'libphonenumber-js/min';
import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';

export type NumberValidation = 'possible' | 'strict';

/**
 * The local part of `<number>@<domain>` as an E.164 number, or undefined.
 *
 * Accepted spellings: `+4915112345678`, `004915112345678`, `015112345678` (national, in the default
 * region) with `-` and `.` as separators. A number without `+`/`00` that is not a number of the
 * default region is tried as international, so `4915112345678@` works from systems that cannot put a
 * `+` in an address. "possible" checks lengths only; "strict" also needs an allocated number range
 * (the larger `max` metadata, loaded only when asked for).
 */
export function toE164(localPart: string, defaultRegion: string, validation: NumberValidation): string | undefined {
  const compact = localPart.trim().replace(/[-.]/g, '');
  if (!/^\+?\d{3,17}$/.test(compact)) return undefined;
  const parse = validation === 'strict' ? parseMax : parseMin;
  const acceptable = (candidate: string, region?: CountryCode): string | undefined => {
    const number = parse(candidate, region);
    // E.164 allows at most 15 digits; some countries' metadata admits longer national numbers.
    if (!number || number.number.length > 16) return undefined;
    const ok = validation === 'strict' ? number.isValid() : number.isPossible();
    return ok ? number.number : undefined;
  };
  if (compact.startsWith('+')) return acceptable(compact);
  if (compact.startsWith('00')) return acceptable(`+${compact.slice(2)}`);
  return acceptable(compact, defaultRegion.toUpperCase() as CountryCode) ?? acceptable(`+${compact}`);
}

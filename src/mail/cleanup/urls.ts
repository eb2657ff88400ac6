/**
 * URLs in an SMS: tracking and unsubscribe links always go (they identify the reader and lead
 * nowhere useful from a handset), long links are kept, dropped or cut to their host as the
 * operator chooses (`render.urls`). Short links (a host and a short path) cost little and may be
 * what the message is about, so they always stay.
 */

export type UrlMode = 'keep' | 'drop' | 'host';

/** Links up to this long are left alone whatever the mode. */
export const SHORT_URL_CHARS = 32;

// Scheme URLs and bare www. hosts; stops at whitespace and the brackets/quotes that wrap links
// in text mails ("<https://...>", "( https://... )").
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'()\[\]{}]{1,2000}/gi;

// Query parameters and hosts that exist to track the reader.
const TRACKING_PARAM = /[?&](utm_[a-z]+|mc_eid|mc_cid|_hsenc|_hsmi|mkt_tok|trk|trkid|ss_source|gclid|fbclid|oly_enc_id|vero_id)=/i;
const TRACKING_HOST = /^(?:https?:\/\/)?(?:click|clicks|links?|email|e|t|track|tracking|trk|go|url\d*|r|em)\.[\w.-]+\.\w+\/|list-manage\.com|sendgrid\.net|mandrillapp\.com|mailchi\.mp|\.ct\.sendgrid|mailgun\.org|hubspotlinks|\/ls\/click|\/wf\/click|\/track\/click|\/unsubscribe|unsubscribe\.html|unsub/i;

function trimTrailingPunctuation(url: string): string {
  return url.replace(/[.,;:!?]+$/, '');
}

/** The host of a URL without scheme, credentials, port or "www.". */
export function urlHost(url: string): string {
  const noScheme = url.replace(/^[a-z]+:\/\//i, '');
  const host = (noScheme.split(/[/?#]/, 1)[0] ?? '').replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  return host.replace(/^www\./i, '');
}

export function isTrackingUrl(url: string): boolean {
  const head = url.slice(0, 400); // a tracking marker sits early; bounds the regex work
  return TRACKING_PARAM.test(head) || TRACKING_HOST.test(head);
}

export interface UrlRewrite {
  text: string;
  /** How many URLs were removed or shortened. */
  changed: number;
}

/** Applies the URL policy to one line. */
export function rewriteUrls(line: string, mode: UrlMode): UrlRewrite {
  let changed = 0;
  const text = line.replace(URL, (match) => {
    const url = trimTrailingPunctuation(match);
    const tail = match.slice(url.length);
    if (isTrackingUrl(url)) {
      changed++;
      return tail;
    }
    if (url.length <= SHORT_URL_CHARS || mode === 'keep') return match;
    changed++;
    return mode === 'host' ? urlHost(url) + tail : tail;
  });
  return { text: changed > 0 ? tidyAfterRemoval(text) : text, changed };
}

/** Removes the husks a removed link leaves: "( )", "<>", "[ ]", doubled spaces, dangling ":". */
function tidyAfterRemoval(text: string): string {
  return text
    .replace(/\(\s*\)|<\s*>|\[\s*\]|\{\s*\}/g, '')
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([,.;:])/g, '$1')
    .trim();
}

/** True when a line still contains a URL (used to keep a mail whose only content is a link). */
export function hasUrl(line: string): boolean {
  URL.lastIndex = 0;
  const found = URL.test(line);
  URL.lastIndex = 0;
  return found;
}

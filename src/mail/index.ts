/** mail/ — raw RFC 5322 message → normalised content (subject, sender, plain-text body, headers). */
export { parseMail, DEFAULT_PARSE_LIMITS, type ParsedMail, type ParseLimits } from './parse.js';
export { htmlToPlainText } from './html.js';
export { foldLine, foldText, capText } from './fold.js';
export { cleanBody, urlHost, isTrackingUrl, type CleanOptions, type UrlMode } from './cleanup/index.js';

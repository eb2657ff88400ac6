/**
 * The recognisers `renderSmsText` consults, in order of preference on equal confidence. Empty for
 * now: every mail renders through the plain template. A recogniser is one file in this folder,
 * added to this list.
 */
import type { Recogniser } from './types.js';

export type { Recogniser } from './types.js';

export const recognisers: Recogniser[] = [];

/** storm/ — per-number dedup, burst aggregation and hourly cap, shared through Redis. */
export { StormControl, MARKER_TTL_MS, MAX_SUMMARY_ITEMS, type StormOptions } from './storm.js';
export { alertKeyOf, stormMetaOf, stormConfigFrom } from './meta.js';
export type {
  HeldMessage,
  StormAction,
  StormConfig,
  StormCounters,
  StormDecision,
  StormMeta,
  StormNumberStatus,
  StormReason,
  StormSummary,
} from './types.js';

/**
 * A background round (retrying held receipts, expiring deadlines, flushing storm summaries) run
 * every `everyMs`, never two at once. `stop` waits for a round under way: one left running would
 * meet the Redis connections the shutdown closes next. The round logs its own failures.
 */
export function startPolling(round: () => Promise<void>, everyMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= round().catch(() => undefined).finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

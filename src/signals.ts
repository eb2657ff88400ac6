/** Resolves on the first SIGINT or SIGTERM: how `start`, `smsc` and SMTP child processes wait to stop. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

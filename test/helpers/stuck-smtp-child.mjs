// Stands in for an SMTP child process (cluster.setupPrimary exec): the first one to start says it
// listens and then dies; every one after it hangs before listening, as a child stuck starting would.
import { existsSync, writeFileSync } from 'node:fs';

const flag = process.env.STUCK_SMTP_CHILD_FLAG;
if (flag && !existsSync(flag)) {
  writeFileSync(flag, String(process.pid));
  process.send({ type: 'smtp2sms:listening', port: 2525 });
  setTimeout(() => process.exit(1), 300);
} else {
  setInterval(() => undefined, 1_000);
}

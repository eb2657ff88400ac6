import { afterEach, expect } from 'vitest';
import { SmscSimulator, type SmscOptions } from '../../src/smsc/index.js';
import { connectEsme, type TestEsme } from './smpp-esme.js';

/**
 * Simulators and bound raw ESME clients for the SMSC tests, all stopped after each test.
 * `track` adds a simulator a test built itself.
 */
export function smscHarness() {
  const running: SmscSimulator[] = [];
  const clients: TestEsme[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return {
    track(smsc: SmscSimulator): SmscSimulator {
      running.push(smsc);
      return smsc;
    },
    /** A simulator on port 0 (receipts after 10 ms unless told otherwise) and a bound client. */
    async setup(options: SmscOptions = {}) {
      const smsc = new SmscSimulator({ port: 0, deliveryReceipts: { enabled: true, delayMs: 10 }, ...options });
      running.push(smsc);
      const port = await smsc.start();
      const esme = await connectEsme(port);
      clients.push(esme);
      expect((await esme.bind()).command_status).toBe(0);
      return { smsc, port, esme };
    },
  };
}

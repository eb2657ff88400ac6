/**
 * Wiring for SMPP carrier tests: a fake SMSC, a carrier bound to it with short timeouts, a pino
 * logger whose lines the test can read, and cleanup that leaves no socket or timer behind.
 */
import pino from 'pino';
import { createSmppCarrier, type SmppCarrier, type SmppCarrierOptions } from '../../src/carriers/smpp/index.js';
import type { OutboundSms } from '../../src/carriers/carrier.js';
import { SmppStatusClassifier, type SmppRuleOverrides } from '../../src/delivery/classify-smpp.js';
import { buildSms, type ConcatMethod } from '../../src/sms/index.js';
import type { FakeSmsc } from './fake-smsc.js';

export const PASSWORD = 's3cret-pw';

/** Throttle pauses short enough for tests; the doubling and the cap are the carrier's. */
export function testClassifier(overrides: SmppRuleOverrides = {}): SmppStatusClassifier {
  return new SmppStatusClassifier({
    ESME_RTHROTTLED: { outcome: 'temporary', retryAfterMs: 40 },
    ESME_RMSGQFUL: { outcome: 'temporary', retryAfterMs: 40 },
    ...overrides,
  });
}

export interface LogCapture {
  logger: pino.Logger;
  raw: string[];
  events(): Record<string, any>[];
}

export function captureLogs(): LogCapture {
  const raw: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void raw.push(line) });
  return { logger, raw, events: () => raw.map((line) => JSON.parse(line) as Record<string, any>) };
}

let nextId = 0;

export function outbound(text: string, options: { concat?: ConcatMethod; maxSegments?: number } & Partial<OutboundSms> = {}): OutboundSms {
  const { concat = 'udh8', maxSegments = 5, ...rest } = options;
  return {
    id: `msg-${++nextId}`,
    to: '+15551234567',
    from: 'ALERTS',
    sms: buildSms(text, { maxSegments, concat }),
    wantReceipt: true,
    concatRef: 0x2a,
    ...rest,
  };
}

export class Harness {
  readonly logs = captureLogs();
  private readonly carriers: SmppCarrier[] = [];
  private readonly fakes: FakeSmsc[] = [];

  async fake<T extends FakeSmsc>(smsc: T): Promise<{ smsc: T; port: number }> {
    this.fakes.push(smsc);
    return { smsc, port: await smsc.start() };
  }

  carrier(port: number, options: Partial<SmppCarrierOptions> = {}, rules: SmppRuleOverrides = {}): SmppCarrier {
    const carrier = createSmppCarrier(
      {
        name: 'test-smpp',
        host: '127.0.0.1',
        port,
        systemId: 'smtp2sms',
        password: PASSWORD,
        // Generous: a loaded CI box must not turn a slow answer into a timeout; tests about
        // timeouts set their own.
        responseTimeoutMs: 3_000,
        enquireLinkMs: 5_000,
        reconnect: { initialMs: 50, maxMs: 200 },
        ...options,
      },
      { logger: this.logs.logger, classifier: testClassifier(rules) },
    );
    this.carriers.push(carrier);
    return carrier;
  }

  async started(port: number, options: Partial<SmppCarrierOptions> = {}, rules: SmppRuleOverrides = {}): Promise<SmppCarrier> {
    const carrier = this.carrier(port, options, rules);
    await carrier.start();
    return carrier;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.carriers.splice(0).map((carrier) => carrier.stop()));
    await Promise.all(this.fakes.splice(0).map((smsc) => smsc.close()));
  }
}

export { rejection } from './carrier-errors.js';

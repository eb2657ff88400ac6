/**
 * Run as its own process by smsc-faults.test.ts: uses the simulator with work still pending
 * (a delayed answer, a receipt due, a wait), stops it, and prints the handles still open. The
 * test then checks the process exited on its own: a leaked socket or timer would keep it alive.
 */
import { SmscSimulator } from '../../src/smsc/index.js';
import { connectEsme } from './smpp-esme.js';

const smsc = new SmscSimulator({
  port: 0,
  deliveryReceipts: { enabled: true, delayMs: 60_000 },
  rules: [{ match: '+1555000*', action: 'delay', delayMs: 60_000 }],
});
const port = await smsc.start();
const esme = await connectEsme(port);
await esme.bind();
await esme.submit({ destination_addr: '15551234567', registered_delivery: 1, short_message: Buffer.from('x') });
void esme.submit({ destination_addr: '15550001234', short_message: Buffer.from('y') }, 100).catch(() => {});
const waiting = smsc.waitForMessages(10, 60_000).catch(() => 'rejected');

await smsc.stop();
await esme.closed();
await waiting;
// Let the client's own 100 ms response timer run out, so only leaks of the simulator remain.
await new Promise((resolve) => setTimeout(resolve, 150));
// stdout/stderr are pipes or a TTY; anything else (TCP*Wrap, Timeout) would be ours.
const handles = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap' && name !== 'PipeWrap');
console.log(JSON.stringify({ ok: true, handles }));

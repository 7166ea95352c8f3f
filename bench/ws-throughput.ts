// Events per second delivered from the machine to a WebSocket client through the
// browser host, without loss: the machine logs real notifies (a device-side raise
// of an unmasked vector, each one a NotifyDelivered), the session pumps them in
// binary batches, and a separate Node process receives, decodes the headers and
// checks that the sequence is contiguous and nothing was lost.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startWebHost } from '../src-main/host/web-host';
import { NIC, ROOT, broughtUpHost } from './app-host-bring-up';
import { machineOf } from '../test/target-machine';

export interface WsThroughputResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  lost: number;
  batches: number;
  megabytesPerSecond: number;
}

/** The receiving side: plain JavaScript, so it runs in its own process without a TypeScript loader. */
const CLIENT = `
import WebSocket from 'ws';
const [url, target] = [process.argv[1], Number(process.argv[2])];
const ws = new WebSocket(url);
ws.binaryType = 'arraybuffer';
let next = -1, received = 0, lost = 0, batches = 0, bytes = 0, first = 0;
ws.on('message', (data, binary) => {
  if (!binary) return;
  const words = new Uint32Array(data, 0, 4);
  const header = new Float64Array(data, 16, 5);
  const count = words[2], firstSeq = header[0];
  if (count === 0) return;
  if (next < 0) { next = firstSeq; first = performance.now(); process.stdout.write('first\\n'); }
  if (firstSeq !== next + header[3]) { console.error('gap at ' + next + ': batch starts at ' + firstSeq); process.exit(2); }
  lost += header[3];
  next = firstSeq + count;
  received += count;
  batches++;
  bytes += data.byteLength;
  if (received >= target) {
    process.stdout.write(JSON.stringify({ received, lost, batches, bytes, ms: performance.now() - first }) + '\\n');
    ws.close();
  }
});
ws.on('open', () => process.stdout.write('open\\n'));
`;

export async function wsThroughput(events = 5_000_000): Promise<WsThroughputResult> {
  // The stream's own capacity: no cap on what one window is sent per pump (the app caps it, see PumpLimits).
  const { session, dispatch } = broughtUpHost([], { maxLiveEventsPerPump: Infinity });
  const web = await startWebHost({ session, dispatch, rendererDir: join(ROOT, 'out/renderer'), port: 0 });
  const machine = machineOf(session);
  const fn = machine.fn(NIC)!;
  const startTotal = machine.log.total;
  const capacity = machine.log.capacity;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT, `${web.url.replace('http', 'ws')}ws`, String(events + startTotal)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffered = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const waitFor = async (pred: (l: string) => boolean): Promise<string> => {
    for (;;) {
      const hit = lines.find(pred);
      if (hit !== undefined) return hit;
      if (child.exitCode !== null) throw new Error(`client exited with ${child.exitCode}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await waitFor((l) => l === 'open');
  while (session.clientCount === 0) await new Promise((r) => setTimeout(r, 1));

  // Produce only while the slowest client's backlog leaves room in the ring, so nothing is overwritten.
  let produced = 0;
  let done = false;
  const result = waitFor((l) => l.startsWith('{')).finally(() => (done = true));
  const started = performance.now();
  while (!done) {
    const room = Math.min(capacity / 2 - session.backlog, events - produced, 1 << 17);
    for (let i = 0; i < room; i++) machine.raise(fn, 0);
    produced += Math.max(0, room);
    session.pump();
    await new Promise((r) => setImmediate(r));
  }
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(await result) as { received: number; lost: number; batches: number; bytes: number; ms: number };
  child.kill();
  await web.close();
  return {
    events: report.received - startTotal,
    seconds,
    eventsPerSecond: Math.round((report.received - startTotal) / seconds),
    lost: report.lost,
    batches: report.batches,
    megabytesPerSecond: Math.round(report.bytes / seconds / 1e6),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  void wsThroughput().then((r) => {
    console.log(`ws-throughput: ${r.eventsPerSecond.toLocaleString('en-US')} events/s (${r.events.toLocaleString('en-US')} events in ${r.seconds.toFixed(2)} s, ${r.batches} batches, ${r.megabytesPerSecond} MB/s, lost ${r.lost}); target >= 1,000,000/s`);
  });
}

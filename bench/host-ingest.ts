// The host's own cost per event under a flood, without a browser: the NIC brought up
// and a source at 1 M/s, the machine run 16 ms of virtual time at a time (the
// runner's pump interval), then what a pump does with those events, timed apart:
//   history ingest  the host's history taking the events in (columns and lane lists),
//                   into fresh memory as in the first seconds of a flood (every page
//                   is written for the first time: on this machine that costs more
//                   than the copy), and into a full history that recycles its memory
//                   (a second history of 2^20 events, fed the same, timed once full);
//   pump            the rest of a pump: the device-change scan and the doctor (no
//                   clients are attached, so nothing is encoded or sent);
//   machine         the machine making the events (timers, MSI-X, APIC, event log);
//   first touch     what writing a fresh page costs on this machine, per byte, which
//                   bounds the fresh-memory ingest from below.
import { broughtUpHost } from './app-host-bring-up';
import { EventHistory } from '../src-main/host/event-history';

export interface HostCost {
  events: number;
  machineNsPerEvent: number;
  ingestNsPerEvent: number;
  recycledIngestNsPerEvent: number;
  pumpNsPerEvent: number;
  firstTouchNsPerByte: number;
}

const RATE = 1_000_000;
const STEP_NS = 16e6;

export function measureHostCost(seconds = 10): HostCost {
  const host = broughtUpHost();
  const session = host.session;
  if (session.qtest(`source_start 00:03.0 0 ${RATE}`) !== 'OK') throw new Error('source_start refused');
  const target = session.target;
  const log = target.events;
  const first = log.total;
  let machine = 0;
  let ingest = 0;
  let pump = 0;
  const full = new EventHistory(1 << 20);
  let recycled = 0;
  let recycledEvents = 0;
  for (let t = 0; t < seconds * 1e9; t += STEP_NS) {
    const t0 = performance.now();
    target.run(STEP_NS, 1 << 30);
    const t1 = performance.now();
    session.history.ingest(log);
    const t2 = performance.now();
    session.pump();
    const t3 = performance.now();
    machine += t1 - t0;
    ingest += t2 - t1;
    pump += t3 - t2;
    const before = full.total;
    full.ingest(log);
    if (before >= full.capacity) {
      recycled += performance.now() - t3;
      recycledEvents += full.total - before;
    }
  }
  const events = log.total - first;
  if (session.history.total !== log.total || session.history.missed !== 0) throw new Error('the history missed events');
  const ns = (ms: number, n = events): number => Number(((ms * 1e6) / n).toFixed(1));
  return { events, firstTouchNsPerByte: firstTouchNsPerByte(), machineNsPerEvent: ns(machine), ingestNsPerEvent: ns(ingest), recycledIngestNsPerEvent: ns(recycled, recycledEvents), pumpNsPerEvent: ns(pump) };
}

/** Nanoseconds per byte of writing one byte into each page of fresh memory (the kernel's page-in). */
function firstTouchNsPerByte(bytes = 64 << 20): number {
  const fresh = new Uint8Array(bytes);
  const t0 = performance.now();
  for (let i = 0; i < bytes; i += 4096) fresh[i] = 1;
  return Number((((performance.now() - t0) * 1e6) / bytes).toFixed(2));
}

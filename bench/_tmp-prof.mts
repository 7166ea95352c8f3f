import { broughtUpHost, NIC } from './app-host-bring-up.ts';
const host = broughtUpHost();
const s = host.session;
const m = s.machine;
let bytes = 0;
s.attach({ send: (_n: string, p: unknown) => { if (p instanceof ArrayBuffer) bytes += p.byteLength; }, ready: () => true } as never);
host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1_000_000 });
const t: Record<string, number> = { step: 0, pump: 0, ingest: 0, win: 0 };
for (let k = 0; k < 200; k++) {
  let t0 = performance.now();
  m.step(10_000_000, 20_000_000);
  t.step += performance.now() - t0;
  t0 = performance.now();
  (s as any).scan();
  t.scan = (t.scan ?? 0) + performance.now() - t0;
  t0 = performance.now();
  s.history.ingest(m.log);
  t.ingest += performance.now() - t0;
  t0 = performance.now();
  s.pump();
  t.pump += performance.now() - t0;
  t0 = performance.now();
  host.dispatch('timelineWindow', { startNs: m.clock.now - 1e9, endNs: m.clock.now, pixels: 1300, lanes: [{ bdf: NIC, vector: 0 }, { bdf: NIC, vector: 0xffff }] });
  host.dispatch('vectorSnapshot', { bdf: NIC });
  t.win += performance.now() - t0;
}
console.log(JSON.stringify({ events: m.log.total, ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v / 2).toFixed(1) + ' ms per virtual s'])), mb: bytes / 2 ** 20 }));

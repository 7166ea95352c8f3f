// The timeline's frame time while panning with one million events in the host, in
// headless Chromium against the web host. Every animation frame pans once; a
// frame's work is the pan handler (store update, Vue's flush) plus the canvas draw
// it causes. The interval between animation frames is reported too (60 Hz pacing
// puts its floor at 16.7 ms).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { AppHost } from '../src-main/host/app-host';
import { startWebHost } from '../src-main/host/web-host';
import { BAR1, NIC, ROOT, broughtUpHost } from './app-host-bring-up';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, percentile } from './chromium';
import { machineOf } from '../test/target-machine';

export interface TimelineFrameResult {
  events: number;
  frames: number;
  p50FrameMs: number;
  p95FrameMs: number;
  p95DrawMs: number;
  p95IntervalMs: number;
}

/** Fills the log with `events` notifies over three vectors: delivered, pended while masked, and dropped (not in use). */
function loadEvents(events: number): AppHost {
  const host = broughtUpHost([
    ['unuseVector', { bdf: NIC, vector: 2 }],
    ['startSource', { bdf: NIC, vector: 0, ratePerSecond: 500_000 }],
    ['startSource', { bdf: NIC, vector: 1, ratePerSecond: 300_000 }],
    ['startSource', { bdf: NIC, vector: 2, ratePerSecond: 200_000 }],
  ]);
  const { dispatch, session } = host;
  const machine = machineOf(session);
  let toggle = 0;
  while (machine.log.total < events) {
    machine.step(1_000_000, events - machine.log.total);
    // Mask and unmask vector 0 now and then, so the lane has masked spans to draw.
    dispatch('writeMmio', { address: BAR1 + 12, size: 4, value: toggle++ & 1 });
  }
  for (const v of [0, 1, 2]) dispatch('stopSource', { bdf: NIC, vector: v });
  return host;
}

/**
 * Runs in the page: pans 30 frames one way, 30 back, and so on. Plain JavaScript in a
 * string, so the TypeScript loader's helpers never reach the page.
 */
const PAN_FRAMES = `async (count) => {
  const el = document.querySelector('[data-testid="timeline-canvas"]');
  const nextFrame = () => new Promise((r) => requestAnimationFrame(r));
  const out = [];
  let last = await nextFrame();
  for (let i = 0; i < count; i++) {
    const key = Math.floor(i / 30) % 2 === 0 ? 'ArrowRight' : 'ArrowLeft';
    const t0 = performance.now();
    el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    await Promise.resolve();
    await Promise.resolve();
    const handler = performance.now() - t0;
    const now = await nextFrame();
    out.push({ handler, draw: Number(el.dataset.drawMs), interval: now - last });
    last = now;
  }
  return out;
}`;

export async function timelineFrame(events = 1_000_000, frames = 240): Promise<TimelineFrameResult> {
  const { session, dispatch } = loadEvents(events);
  const web = await startWebHost({ session, dispatch, rendererDir: join(ROOT, 'out/renderer'), port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(web.url);
    await page.getByTestId('tab-timeline').click();
    const loaded = machineOf(session).log.total;
    const pump = setInterval(() => session.pump(), 16);
    // The canvas draws from the host's history: wait until a window of all of it came back.
    await page.locator(`[data-testid="timeline-canvas"][data-window-total="${loaded}"]`).waitFor({ timeout: 120_000 });
    clearInterval(pump);
    await page.getByTestId('timeline-fit').click();
    const canvas = page.getByTestId('timeline-canvas');
    await canvas.focus();
    // Zoom in to a tenth of the run, where single markers are a few pixels apart.
    for (let i = 0; i < 10; i++) await page.keyboard.press('w');
    const samples = (await page.evaluate(`(${PAN_FRAMES})(${frames})`)) as { handler: number; draw: number; interval: number }[];
    const frameMs = samples.map((s) => s.handler + s.draw);
    return {
      events: loaded,
      frames: samples.length,
      p50FrameMs: Number(percentile(frameMs, 50).toFixed(2)),
      p95FrameMs: Number(percentile(frameMs, 95).toFixed(2)),
      p95DrawMs: Number(percentile(samples.map((s) => s.draw), 95).toFixed(2)),
      p95IntervalMs: Number(percentile(samples.map((s) => s.interval), 95).toFixed(2)),
    };
  } finally {
    await browser.close();
    await web.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  void timelineFrame().then((r) => {
    console.log(
      `timeline-frame: p95 ${r.p95FrameMs} ms per frame (p50 ${r.p50FrameMs}, draw p95 ${r.p95DrawMs}, rAF interval p95 ${r.p95IntervalMs}) panning with ${r.events.toLocaleString('en-US')} events over ${r.frames} frames; target p95 <= 16 ms`,
    );
  });
}

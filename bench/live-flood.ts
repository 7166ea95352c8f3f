// The app under a live flood, in headless Chromium against the web host: the NIC is
// brought up by a qtest script (the same path as `irqscope web --script`) whose last
// line starts a source on vector 0, and the runner keeps virtual time in step with
// real time while the page is used. Measured at each rate over the 60 s
// (WINDOW_MS: at 1 M/s the history fills and evicts, so its memory is seen bounded):
//   frames      on the timeline tab: the animation-frame interval (and how many
//               intervals were longer than 1.5 vsync periods: dropped frames), the
//               frame time (vsync to the main thread done with the frame) and the
//               canvas draw;
//   mask click  from clicking vector 0's mask in the grid to the grid showing the
//               machine's answer (the pending bit the flood then sets, or clears);
//   tab switch  from clicking a tab to the frame after its view is on screen;
//   memory      the host's resident set before and after, and the history's bytes;
//   events      logged = held + evicted, and none missed by the history.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { chromium, type Page } from 'playwright-core';
import { createAppHost } from '../src-main/host/app-host';
import { folderPresets } from '../src-main/host/presets';
import { startWebHost } from '../src-main/host/web-host';
import { runQtestScript } from '../src-main/qtest/run-script';
import { ROOT } from './app-host-bring-up';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, percentile } from './chromium';
import { machineOf } from '../test/target-machine';

export const WINDOW_MS = 60_000;

export interface FloodResult {
  rate: number;
  windowMs: number;
  /** Virtual ns advanced per real ns over the window (1 = in step). */
  timeRatio: number;
  events: number;
  evicted: number;
  missed: number;
  /** logged == held + evicted */
  accounted: boolean;
  p95IntervalMs: number;
  /** Intervals longer than 1.5 vsync periods: frames dropped. */
  longIntervals: number;
  /** Frame time: vsync to the main thread done with the frame (after its paint). */
  p95FrameMs: number;
  p95DrawMs: number;
  frames: number;
  p95MaskMs: number;
  maskSamples: number;
  p95TabMs: number;
  rssStartMb: number;
  rssEndMb: number;
  historyMb: number;
  /** Events the history holds, and its capacity (bytes are allocated by doubling up to it). */
  held: number;
}

const bringUpScript = (rate: number): string => `# the virtio-net NIC: BAR1, memory space and bus master, MSI-X on, vector 0 to APIC 1
outl 0xcf8 0x80001814
outl 0xcfc 0xfebf0000
outl 0xcf8 0x80001804
outw 0xcfc 0x0006
outl 0xcf8 0x80001884
outl 0xcfc 0x80000011
writel 0xfebf0000 0xfee01000
writel 0xfebf0004 0x0
writel 0xfebf0008 0x31
writel 0xfebf000c 0x0
source_start 00:03.0 0 ${rate}
`;

/**
 * Runs in the page: for each animation frame over `ms`, its interval since the last one,
 * its frame time and the canvas draw. The frame time is from the frame's start (the rAF
 * timestamp, its vsync) to a task posted in its rAF callback at the highest priority
 * (scheduler.postTask, user-blocking; a MessageChannel message where there is none):
 * a task runs only once the frame's callbacks, style, layout and paint are done, and at
 * that priority ahead of the socket messages already waiting. So it counts the main
 * thread's delay in starting the frame and the frame's own work; a frame time past a
 * vsync period is a frame the main thread made late.
 */
const FRAMES = `(ms) => new Promise((done) => {
  const el = document.querySelector('[data-testid="timeline-canvas"]');
  const out = [];
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()();
  const after = globalThis.scheduler?.postTask
    ? (run) => scheduler.postTask(run, { priority: 'user-blocking' })
    : (run) => { waiting.push(run); channel.port2.postMessage(null); };
  const end = performance.now() + ms;
  let last = null;
  const tick = (start) => {
    const f = { start, interval: last === null ? null : start - last, frame: NaN, draw: Number(el.dataset.drawMs) };
    last = start;
    out.push(f);
    after(() => { f.frame = performance.now() - f.start; });
    if (start < end) requestAnimationFrame(tick);
    else setTimeout(() => done(out.slice(1)), 100);
  };
  requestAnimationFrame(tick);
})`;

/** 60 Hz: the interval between two frames drawn one after the other. */
const VSYNC_MS = 1000 / 60;

/** Runs in the page: clicks `clickId`, then waits until `testId`'s text is `text`; answers the ms to the frame after. */
const CLICK_UNTIL = `async ([clickId, testId, text]) => {
  const t0 = performance.now();
  document.querySelector('[data-testid="' + clickId + '"]').click();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const el = document.querySelector('[data-testid="' + testId + '"]');
    if (el !== null && (text === null || el.textContent === text)) return performance.now() - t0;
    if (performance.now() - t0 > 30000) return -1;
  }
}`;

async function clickUntil(page: Page, clickId: string, testId: string, text: string | null): Promise<number> {
  const ms = (await page.evaluate(`(${CLICK_UNTIL})(${JSON.stringify([clickId, testId, text])})`)) as number;
  if (ms < 0) {
    await page.screenshot({ path: '/tmp/i12-flood-fail.png' });
    throw new Error(`${clickId}: ${testId} never showed ${text ?? 'up'}`);
  }
  return ms;
}

const mb = (bytes: number): number => Number((bytes / 2 ** 20).toFixed(1));

export async function liveFlood(rate: number, windowMs = WINDOW_MS): Promise<FloodResult> {
  const created = createAppHost({ presets: folderPresets(join(ROOT, 'machines')), initial: { source: 'preset', preset: 'virtio-net' } });
  if (!created.ok) throw new Error(created.error);
  const { session, dispatch, runner } = created.host;
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-flood-'));
  writeFileSync(join(dir, 'flood.qtest'), bringUpScript(rate));
  await runQtestScript(session.target, 'flood.qtest', dir, new PassThrough(), new PassThrough());
  const web = await startWebHost({ session, dispatch, rendererDir: join(ROOT, 'out/renderer'), port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(web.url);
    await page.getByTestId('tab-vectors').click();
    await page.getByTestId('vector-0-fire').waitFor();
    const rssStart = process.memoryUsage().rss;
    const virtualStart = machineOf(session).clock.now;
    const realStart = performance.now();
    runner.start();
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline-canvas').waitFor();
    const frames = (await page.evaluate(`(${FRAMES})(${Math.round(windowMs / 2)})`)) as { interval: number; frame: number; draw: number }[];
    if (frames.some((f) => !Number.isFinite(f.frame))) throw new Error('a frame never finished: its end task did not run');
    const tabs: number[] = [];
    const masks: number[] = [];
    const end = realStart + windowMs;
    while (performance.now() < end || masks.length < 6) {
      tabs.push(await clickUntil(page, 'tab-vectors', 'vector-0-mask', null));
      // Masked, the flood sets the pending bit; unmasked, the next notify delivers it and it clears.
      masks.push(await clickUntil(page, 'vector-0-mask', 'vector-0-pending', '1'));
      masks.push(await clickUntil(page, 'vector-0-mask', 'vector-0-pending', '0'));
      tabs.push(await clickUntil(page, 'tab-timeline', 'timeline-canvas', null));
    }
    runner.stop();
    session.pump();
    const realNs = (performance.now() - realStart) * 1e6;
    const history = session.history;
    return {
      rate,
      windowMs: Math.round(performance.now() - realStart),
      timeRatio: Number(((machineOf(session).clock.now - virtualStart) / realNs).toFixed(3)),
      events: machineOf(session).log.total,
      evicted: history.evicted,
      missed: history.missed,
      accounted: history.retained + history.evicted === machineOf(session).log.total,
      p95IntervalMs: Number(percentile(frames.map((f) => f.interval), 95).toFixed(2)),
      longIntervals: frames.filter((f) => f.interval > 1.5 * VSYNC_MS).length,
      p95FrameMs: Number(percentile(frames.map((f) => f.frame), 95).toFixed(2)),
      p95DrawMs: Number(percentile(frames.map((f) => f.draw), 95).toFixed(2)),
      frames: frames.length,
      p95MaskMs: Number(percentile(masks, 95).toFixed(1)),
      maskSamples: masks.length,
      p95TabMs: Number(percentile(tabs, 95).toFixed(1)),
      rssStartMb: mb(rssStart),
      rssEndMb: mb(process.memoryUsage().rss),
      historyMb: mb(history.bytes),
      held: history.retained,
    };
  } finally {
    runner.stop();
    await browser.close();
    await web.close();
  }
}

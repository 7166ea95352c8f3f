// The break latency a user sees: from the unmask that hits a breakpoint to the
// paused banner on screen, in headless Chromium against the web host. The user
// unchecks vector 0's mask in the grid; the guest write reaches main, the machine
// pauses at the VectorUnmasked event, the pause goes out, the banner renders. Each
// sample has three figures, all ending at the animation frame after the banner
// rendered (the frame that paints it):
//   click   from the checkbox's change event in the page (page clock only: the
//           whole round trip, an upper bound on event to banner);
//   event   from the machine's pause in main (main's and the page's clocks, both
//           on the epoch through performance.timeOrigin);
//   arrival from the pause message reaching the page (the renderer's own part).
// Then F5 continues and the vector is masked again for the next sample.
//
// The bench clicks from inside the page (el.click(): the click and change events a
// mouse click makes). Playwright's own uncheck() also runs its checks in the page
// right after the click, which holds the page's thread for ~10 ms and delays the
// reply; the e2e test clicks that way and reports what it measured.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { AppHost } from '../src-main/host/app-host';
import { startWebHost } from '../src-main/host/web-host';
import { MASK_VECTOR_0, NIC, ROOT, broughtUpHost } from './app-host-bring-up';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, percentile } from './chromium';
import { machineOf } from '../test/target-machine';

export interface BreakLatencySample {
  clickToBannerMs: number;
  eventToBannerMs: number;
  arrivalToBannerMs: number;
}

export interface Spread {
  medianMs: number;
  p95Ms: number;
}

export interface UiBreakLatency extends Spread {
  /** medianMs / p95Ms are click to banner; these are the other two figures. */
  eventToBanner: Spread;
  arrivalToBanner: Spread;
  samples: number;
}


const spread = (xs: number[]): Spread => ({ medianMs: Number(percentile(xs, 50).toFixed(2)), p95Ms: Number(percentile(xs, 95).toFixed(2)) });

/**
 * Runs in the page (plain JavaScript in a string, so no TypeScript helper reaches it):
 * stamps the next change event of the vector's mask checkbox.
 */
const ARM_CLICK_STAMP = `(testId) => {
  window.__irqscopeChangeAt = null;
  const stamp = (e) => {
    if (e.target instanceof HTMLElement && e.target.dataset.testid === testId) {
      window.__irqscopeChangeAt = performance.now();
      document.removeEventListener('change', stamp, true);
    }
  };
  document.addEventListener('change', stamp, true);
}`;

const READ_STAMPS = `() => {
  const banner = document.querySelector('[data-testid="paused-banner"]');
  return {
    changeAt: window.__irqscopeChangeAt,
    receivedAt: Number(banner.dataset.receivedAt),
    paintedAt: Number(banner.dataset.paintedAt),
    timeOrigin: performance.timeOrigin,
  };
}`;

/** Epoch milliseconds, comparable across processes on one machine. */
const epochNow = (): number => performance.timeOrigin + performance.now();

/** Waits (polling) until `ready()` holds; throws after `ms`. */
async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** How the mask checkbox is clicked: in the page, or by Playwright (with its checks around the click). */
export type ClickBy = 'page' | 'driver';

/**
 * One break: unchecks vector `vector`'s mask in the grid (an unmask breakpoint on it
 * must be set and the vectors view shown), waits for the banner of that pause and
 * returns the three latencies. Leaves the machine paused.
 */
export async function measureUnmaskBreak(page: Page, host: AppHost, by: ClickBy, vector = 0): Promise<BreakLatencySample> {
  let pausedAt = 0;
  let marker = -1;
  const unsubscribe = machineOf(host.session).debugger.onPause((report) => {
    pausedAt = epochNow();
    marker = report.markerSeq;
  });
  try {
    const testId = `vector-${vector}-mask`;
    await page.evaluate(`(${ARM_CLICK_STAMP})(${JSON.stringify(testId)})`);
    if (by === 'driver') await page.getByTestId(testId).uncheck();
    else await page.evaluate(`document.querySelector('[data-testid=${JSON.stringify(testId)}]').click()`);
    await until(() => marker >= 0, 10_000, 'the machine to pause');
  } finally {
    unsubscribe();
  }
  await page.locator(`[data-testid="paused-banner"][data-marker="${marker}"]`).waitFor({ timeout: 10_000 });
  const s = (await page.evaluate(`(${READ_STAMPS})()`)) as { changeAt: number | null; receivedAt: number; paintedAt: number; timeOrigin: number };
  if (s.changeAt === null) throw new Error('the mask checkbox never fired a change event');
  return {
    clickToBannerMs: s.paintedAt - s.changeAt,
    eventToBannerMs: s.timeOrigin + s.paintedAt - pausedAt,
    arrivalToBannerMs: s.paintedAt - s.receivedAt,
  };
}

/** Continues with F5 and masks the vector again (no breakpoint on masking), ready for the next sample. */
export async function continueAndRemask(page: Page, host: AppHost, vector = 0): Promise<void> {
  await page.keyboard.press('F5');
  await page.getByTestId('paused-banner').waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByTestId(`vector-${vector}-mask`).check();
  const msix = machineOf(host.session).fn(NIC)!.msix!;
  await until(() => msix.isMasked(vector), 10_000, `vector ${vector} to be masked`);
  // The grid shows the mask from the snapshot; wait until it has caught up.
  await page.waitForFunction(`document.querySelector('[data-testid="vector-${vector}-mask"]')?.checked === true`);
}

export async function uiBreakLatency(samples = 25): Promise<UiBreakLatency> {
  // Vector 0 programmed, masked again, with a breakpoint on its unmask.
  const host = broughtUpHost([MASK_VECTOR_0, ['addBreakpoint', { spec: { kind: 'unmask', bdf: NIC, vectors: [0] } }]]);
  const web = await startWebHost({ session: host.session, dispatch: host.dispatch, rendererDir: join(ROOT, 'out/renderer'), port: 0 });
  host.runner.start();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(web.url);
    await page.getByTestId('tab-vectors').click();
    await page.waitForFunction(`document.querySelector('[data-testid="vector-0-mask"]')?.disabled === false`);
    const got: BreakLatencySample[] = [];
    for (let i = 0; i < samples; i++) {
      got.push(await measureUnmaskBreak(page, host, 'page'));
      await continueAndRemask(page, host);
    }
    const click = got.map((g) => g.clickToBannerMs);
    return {
      ...spread(click),
      eventToBanner: spread(got.map((g) => g.eventToBannerMs)),
      arrivalToBanner: spread(got.map((g) => g.arrivalToBannerMs)),
      samples: got.length,
    };
  } finally {
    await browser.close();
    host.runner.stop();
    await web.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  void uiBreakLatency().then((r) => {
    console.log(
      `ui-break-latency: unmask click to paused banner on screen: median ${r.medianMs} ms, p95 ${r.p95Ms} ms over ${r.samples} breaks (target <= 50 ms); ` +
        `machine event to banner: median ${r.eventToBanner.medianMs} ms, p95 ${r.eventToBanner.p95Ms} ms; ` +
        `pause message arrival to banner: median ${r.arrivalToBanner.medianMs} ms, p95 ${r.arrivalToBanner.p95Ms} ms`,
    );
  });
}

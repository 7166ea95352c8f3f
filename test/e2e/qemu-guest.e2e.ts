// The browser UI attached to a real QEMU (issue 9): Attach to QEMU… with the test
// guest's command line (Debian's kernel, its e1000e driver, TCG on q35), then the real
// guest's devices, vector grid and timeline, zero divergences, device-side work
// refused as not supported on a QEMU target, and qtest pokes from the Script view that
// go to QEMU and come back in the timeline as the user's own. Skipped without QEMU and
// the guest's packages, unless IRQSCOPE_REQUIRE_QEMU=1 (then it fails instead).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';
import { machineOf } from '../target-machine';
import { buildInitramfs, guestArgs, guestMsixCounts, hasTestGuest, INTERRUPTS_END, QEMU_BIN } from '../qemu/test-guest';
import { attachQemu } from '../../src-main/target/qemu/attach-qemu';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { Origin } from '../../src-shared/timeline/event-kinds';

const required = process.env.IRQSCOPE_REQUIRE_QEMU === '1';
const GUEST = 0x10; // 00:02.0
const BOOT_MS = 120_000;

let h: Harness;
let serial = '';
const notes: string[] = [];
let initrd: ReturnType<typeof buildInitramfs> | null = null;
const byId = (id: string) => h.page.getByTestId(id);

async function until(test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + BOOT_MS;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; irqscope said:\n${notes.join('\n')}\nserial:\n${serial.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasTestGuest && !required)('the app over a real QEMU guest', () => {
  beforeAll(async () => {
    if (!hasTestGuest) throw new Error('IRQSCOPE_REQUIRE_QEMU=1 but qemu-system-x86, linux-image-amd64, busybox-static or cpio is missing');
    initrd = buildInitramfs();
    h = await startHarness({ source: 'preset', preset: 'virtio-net' }, { width: 1440, height: 900 }, {
      // A breakpoint set before the guest runs, as `--break` sets it: the driver's first unmask of vector 0 stops the real guest.
      attach: (args) => attachQemu({ qemu: QEMU_BIN, args, breaks: ['unmask 00:02.0 0'], say: (line) => notes.push(line), output: (chunk) => (serial += chunk.toString()) }),
    });
  }, BOOT_MS);

  afterAll(async () => {
    await h?.close();
    initrd?.cleanup();
  });

  it('attaches from the dialog and shows the real driver’s bring-up: devices, vector grid, timeline, no divergence', async () => {
    await byId('session-menu').click();
    await byId('attach-qemu').click();
    const quoted = guestArgs(initrd!.path).map((a) => (/\s/.test(a) ? `'${a}'` : a));
    await byId('attach-command-line').fill(['qemu-system-x86_64', ...quoted].join(' '));
    await byId('attach-start').click();
    await byId('attach-dialog').waitFor({ state: 'hidden', timeout: BOOT_MS });
    await expect.poll(() => byId('status-machine').textContent()).toContain('QEMU guest');

    // The breakpoint stops the real guest; the banner says QEMU ran on until it processed the stop, and for how long.
    await byId('paused-banner').waitFor({ timeout: BOOT_MS });
    await expect.poll(() => byId('paused-event').textContent(), { timeout: 10_000 }).toContain('vector 0 unmasked');
    await expect
      .poll(() => byId('paused-guest-stop').textContent(), { timeout: 10_000 })
      .toMatch(/^The real guest ran on until QEMU processed the stop: it stopped \d+\.\d{3} ms after the event \(QEMU's clock\), \d+\s+traced accesses later\.$/);
    await screenshot(h.page, 'qemu-break');
    // Disabled, so the driver's later unmasks run on; then Continue lets the guest go.
    await byId('breakpoints-toggle').click();
    await byId('bp-1-enabled').click();
    await byId('breakpoints-toggle').click();
    await byId('pause-toggle').click();
    await byId('paused-banner').waitFor({ state: 'hidden' });
    // The device tree is QEMU's bus 0 as scanned over qtest: the host bridge and the e1000e.
    await expect.poll(() => byId('device-00:02.0').count()).toBe(1);
    // The register and poke editors would race the guest's driver: greyed out, the device still selectable.
    await byId('device-00:02.0').click();
    await byId('config-write').waitFor();
    expect(await byId('config-write').isDisabled()).toBe(true);
    expect(await byId('poke-write').isDisabled()).toBe(true);
    expect(await byId('device-00:02.0').isDisabled()).toBe(false);
    await until(() => serial.includes(INTERRUPTS_END), "the guest's /proc/interrupts");
    const guest = guestMsixCounts(serial);
    expect(guest.size).toBeGreaterThan(0);

    await byId('tab-vectors').click();
    await byId('vectors-device').selectOption(String(GUEST));
    await expect.poll(() => byId('vectors-enabled').textContent()).toBe('MSI-X enabled');
    // The grid shows QEMU's own table and PBA, read over qtest.
    await expect.poll(() => byId('vectors-live').textContent()).toMatch(/^live from QEMU · read at \d+\.\d{3} s$/);
    // QEMU's devices raise their own interrupts: the app says it only watches, and greys out what QEMU refuses.
    expect(await byId('watch-only').textContent()).toMatch(/^Watching a real QEMU: /);
    expect(await byId('vector-0-fire').isDisabled()).toBe(true);
    expect(await byId('vector-0-rate').isDisabled()).toBe(true);
    // The grid's deliveries reached what the guest counted when it printed them (and go on from there).
    for (const [vector, count] of guest) {
      await expect.poll(async () => Number(await byId(`vector-${vector}-delivered`).textContent())).toBeGreaterThanOrEqual(count);
    }
    const machine = machineOf(h.app.session);
    const log = machine.log;
    const kinds = Array.from(log.slice(log.firstSeq, log.total).kind);
    expect(kinds.filter((k) => k === EventKind.Divergence)).toHaveLength(0);
    expect(kinds.filter((k) => k === EventKind.NotifyDelivered).length).toBeGreaterThan(0);

    // Device-side work is QEMU's device model's to do: Fire is greyed out saying why, and the host refuses it anyway.
    expect(await byId('vector-0-fire').getAttribute('title')).toMatch(/^a real QEMU: .*Fire.*refused/);
    const refused = h.app.dispatch('fireVector', { bdf: GUEST, vector: 0 });
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? '' : refused.error).toContain('not supported on a QEMU target');
    await screenshot(h.page, 'qemu-vectors');

    await byId('tab-timeline').click();
    await h.page.waitForTimeout(500);
    await screenshot(h.page, 'qemu-timeline');
  }, BOOT_MS * 2);

  it('sends qtest lines from the Script view to QEMU; the pokes are in the timeline as the user’s own', async () => {
    const log = machineOf(h.app.session).log;
    const before = log.total;
    await byId('tab-script').click();
    const replies = h.page.locator('[data-testid="script-transcript"] li .reply');
    const had = await replies.count();
    // Host bridge Interrupt Line := 0x5a: the test guest's signal to power off.
    for (const line of ['outl 0xcf8 0x8000003c', 'outb 0xcfc 0x5a']) {
      await byId('script-prompt').fill(line);
      await byId('script-prompt').press('Enter');
    }
    await expect.poll(() => replies.count()).toBe(had + 2);
    expect((await replies.allTextContents()).slice(had)).toEqual(['OK', 'OK']);
    await expect
      .poll(() => {
        const cols = log.slice(Math.max(before, log.firstSeq), log.total);
        return Array.from(cols.kind).some((k, i) => k === EventKind.ConfigWrite && cols.origin[i] === Origin.User && cols.bdf[i] === 0);
      })
      .toBe(true);
  }, BOOT_MS);
});

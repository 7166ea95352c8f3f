// `irqscope qemu` over the test guest (Debian's kernel, its e1000e driver, QEMU TCG):
// boot to the first MSI-X delivery, what was captured and lost, and how long after a
// breakpoint's event the real guest stopped (QEMU's own clock on both ends). Every
// MSI-X unmask and delivery is a breakpoint here, continued as soon as the guest stops.
import { QemuAttachment } from '../src-main/qemu/qemu-attach';
import { buildInitramfs, guestArgs, hasTestGuest, INTERRUPTS_END, QEMU_BIN, RELEASE_GUEST } from '../test/qemu/test-guest';

export interface AttachFigures {
  bootToFirstDeliveryS: number;
  records: number;
  events: number;
  lost: number;
  divergences: number;
  stops: number;
  stopDelayMedianMs: number;
  stopDelayMaxMs: number;
}

const BOOT_LIMIT_MS = 180_000;

export async function measureQemuAttach(): Promise<AttachFigures | null> {
  if (!hasTestGuest) return null;
  const initrd = buildInitramfs();
  let serial = '';
  try {
    const a = await QemuAttachment.start({
      qemu: QEMU_BIN,
      qemuArgs: guestArgs(initrd.path),
      breaks: ['unmask 00:02.0 any', 'notify 00:02.0 any delivered'],
      msixTimeoutS: 120,
      say: () => undefined,
      stdout: (chunk) => (serial += chunk.toString()),
      stderr: () => undefined,
    });
    const limit = setTimeout(() => void a.command('quit'), BOOT_LIMIT_MS);
    let released = false;
    let seenStops = 0;
    const poll = setInterval(() => {
      if (a.stops.length > seenStops) {
        seenStops = a.stops.length;
        void a.resume('continue');
      } else if (!released && serial.includes(INTERRUPTS_END)) {
        released = true;
        void (async () => {
          a.machine.debugger.list().forEach((bp) => a.machine.debugger.remove(bp.id));
          await a.command('stop');
          for (const line of RELEASE_GUEST) await a.command(line);
          await a.resume('continue');
        })();
      }
    }, 5);
    await a.exited;
    clearInterval(poll);
    clearTimeout(limit);
    a.close();
    const delays = a.stops.map((s) => (s.stopTimeUs - s.eventTimeUs) / 1000).sort((x, y) => x - y);
    return {
      bootToFirstDeliveryS: (a.firstDeliveryUs - a.startedUs) / 1e6,
      records: a.shadow.counts.records,
      events: a.machine.log.total,
      lost: a.machine.log.evicted,
      divergences: a.shadow.counts.divergences,
      stops: delays.length,
      stopDelayMedianMs: delays[Math.floor(delays.length / 2)] ?? Number.NaN,
      stopDelayMaxMs: delays.at(-1) ?? Number.NaN,
    };
  } finally {
    initrd.cleanup();
  }
}

// QEMU's irq_intercept_in / irq_intercept_out / set_irq_in for the one interrupt
// controller a q35 test intercepts: the I/O APIC, known to QEMU's partial QOM path
// resolution as `ioapic`. Once its inputs are intercepted, every change of a pin's level
// is announced as `IRQ raise N` / `IRQ lower N` (N the GSI), the way QEMU's
// qtest_irq_handler does it: only when the level differs from the last one announced.
// The PCI functions' INTx lines reach the I/O APIC through q35's default routing
// (ICH9: slot S, pin P (1 = INTA) -> PIRQ (S + P - 1) % 4 + 4 -> GSI 16 + PIRQ).
import type { Machine } from '../machine/machine';
import { EventKind, eventField } from '../../src-shared/timeline/event-schema';
import { parseQemuSigned } from './qtest-numbers';
import { QtestInputError } from './qtest-input-error';

const IOAPIC_PATH = 'ioapic';
const IOAPIC_PINS = 24;
const INTERRUPT_PIN = 0x3d;

/** The GSI a bus-0 function's INTx pin reaches on q35, or -1 for a function without a pin. */
export function q35IntxGsi(bdf: number, pin: number): number {
  if (pin < 1 || pin > 4) return -1;
  const slot = (bdf >> 3) & 0x1f;
  return 16 + ((slot + pin - 1) % 4) + 4;
}

export class IrqIntercept {
  private intercepted: 'none' | 'in' | 'out' = 'none';
  /** QEMU's irq_levels: the last level announced per pin (the raw number set_irq_in was given). */
  private readonly levels = new Map<number, number>();
  /** Log position up to which INTx changes have been looked at. */
  private seen: number;

  constructor(
    private readonly machine: Machine,
    private readonly announce: (line: string) => void,
  ) {
    this.seen = machine.log.total;
  }

  /** QEMU 7.2 ignores a GPIO name given to either; the first intercept of a device sticks. */
  intercept(path: string, outbound: boolean): string {
    if (path !== IOAPIC_PATH) return 'FAIL Unknown device';
    if (this.intercepted === 'none') {
      this.intercepted = outbound ? 'out' : 'in';
      this.seen = this.machine.log.total;
    }
    return 'OK';
  }

  setIn(path: string, name: string, numText: string, levelText: string): string {
    if (path !== IOAPIC_PATH) return 'FAIL Unknown device';
    if (name !== 'unnamed-gpio-in') throw new QtestInputError(`the I/O APIC has no GPIO list '${name}' (only unnamed-gpio-in)`);
    const num = parseQemuSigned(numText, 32, 'NUM');
    const level = parseQemuSigned(levelText, 32, 'LEVEL');
    if (!num.ok) throw new QtestInputError(num.error);
    if (!level.ok) throw new QtestInputError(level.error);
    if (num.value < 0n || num.value >= BigInt(IOAPIC_PINS)) throw new QtestInputError(`the I/O APIC has pins 0..${IOAPIC_PINS - 1}, not ${numText}`);
    this.pin(Number(num.value), Number(level.value));
    return 'OK';
  }

  /** Announces the INTx changes the last command caused (read from the event log). */
  collect(): void {
    const log = this.machine.log;
    if (this.intercepted !== 'in') {
      this.seen = log.total;
      return;
    }
    for (let seq = Math.max(this.seen, log.firstSeq); seq < log.total; seq++) {
      const i = log.indexOf(seq);
      if (log.kind[i] !== EventKind.IntxChanged) continue;
      const fn = this.machine.fn(log.bdf[i]!);
      const gsi = fn === null ? -1 : q35IntxGsi(fn.bdf, fn.config.bytes[INTERRUPT_PIN]!);
      if (gsi >= 0) this.pin(gsi, eventField.IntxChanged.level(log, i));
    }
    this.seen = log.total;
  }

  private pin(n: number, level: number): void {
    // Without an inbound intercept the level reaches the I/O APIC, whose redirection
    // entries are masked after reset: nothing a qtest client can see.
    if (this.intercepted !== 'in' || (this.levels.get(n) ?? 0) === level) return;
    this.levels.set(n, level);
    this.announce(`IRQ ${level !== 0 ? 'raise' : 'lower'} ${n}`);
  }
}

// One PCI function: its config space, BARs, INTx line and (optionally) MSI-X.
// Config writes store through the masks, then report whether BAR decoding changed;
// the bus applies mappings, the function never touches an address space itself.
import { ConfigSpace, type ConfigSize } from './config-space';
import { CapabilityList } from './capabilities';
import { Bar } from './bar';
import type { EventLog } from '../event-log';
import type { MsixEngine } from '../msix/msix-engine';
import type { MsiEngine } from '../msi/msi-engine';
import { MessageOutcome, type InterruptSink } from '../irq/interrupt-sink';
import type { InterruptHost } from './interrupt-host';
import { COMMAND, STATUS, TYPE0_HEADER, fillByteMasks } from '../../../src-shared/registers/layout';
import { DOMAIN_STRIDE } from '../../../src-shared/pci-text/bdf';
import { ACCESS_CONFIG, ACCESS_WRITE, DropReason, INTX_HELD, ResetScope } from '../../../src-shared/timeline/event-kinds';
import { EventKind } from '../../../src-shared/timeline/event-schema';

export const COMMAND_OFFSET = 0x04;
const BUS_MASTER = COMMAND.BUS_MASTER;
const STATUS_OFFSET = 0x06;
const DROPPED = MessageOutcome.Dropped;

/**
 * A function is its engines' interrupt sink: their messages leave it as its bus-master
 * writes, through the Bus Master gate (N3), to the sink above it (the machine's routing).
 */
export class PciFunction implements InterruptHost, InterruptSink {
  readonly config: ConfigSpace;
  readonly caps: CapabilityList;
  readonly bars: (Bar | null)[] = [null, null, null, null, null, null];
  msix: MsixEngine | null = null;
  msi: MsiEngine | null = null;
  /** The function's internal interrupt level (Status bit 3). */
  private intxLevel = 0;
  /** What the INTx pin drives: level and not disabled by Command bit 10. */
  intxOutput = 0;
  /** The bridge whose secondary bus holds this function; null on a root bus. */
  upstream: PciFunction | null = null;
  readonly sink: InterruptSink = this;

  constructor(
    /** Bus << 8 | devfn: what config cycles carry and events name. */
    readonly bdf: number,
    readonly name: string,
    readonly log: EventLog,
    /** Where a message goes once through the gate (the machine's APIC and memory routing). */
    private readonly platform: InterruptSink,
    configSize: 256 | 4096,
    /** The PCI domain (segment) the function sits in. */
    readonly domain = 0,
  ) {
    this.config = new ConfigSpace(configSize);
    fillByteMasks(TYPE0_HEADER, 0, this.config.writable, this.config.w1c);
    // B3: a BAR slot reads as hardwired zero until addBar installs its size mask.
    this.config.writable.fill(0, 0x10, 0x28);
    this.caps = new CapabilityList(this.config);
  }

  /** Domain and bus/dev.fn in one number (src-shared/pci-text/bdf.ts): how the host and the tools find the function. */
  get address(): number {
    return this.domain * DOMAIN_STRIDE + this.bdf;
  }

  get command(): number {
    return this.config.get16(COMMAND_OFFSET);
  }

  addBar(bar: Bar): void {
    this.bars[bar.index] = bar;
    bar.install(this.config);
  }

  /** B1: 1, 2 or 4 bytes, naturally aligned, inside config space. Absent bytes read 0. */
  configRead(offset: number, size: number): number {
    if (!ConfigSpace.isValidAccess(offset, size, this.config.size)) {
      this.refuse(offset, size, 0, false);
      return 0;
    }
    return this.config.read(offset, size as ConfigSize);
  }

  /** Returns true when BAR decoding may have changed (the bus remaps). */
  configWrite(offset: number, size: number, value: number): boolean {
    if (!ConfigSpace.isValidAccess(offset, size, this.config.size)) {
      this.refuse(offset, size, value, true);
      return false;
    }
    const oldCommand = this.command;
    // Logged once stored (its effects follow), so the state right after the event holds the write;
    // the event holds what was written and what took effect (read-only bits kept, W1C bits cleared).
    this.config.write(offset, size as ConfigSize, value);
    this.log.emit.configWrite(this.bdf, size, offset, value, this.config.read(offset, size as ConfigSize));
    const newCommand = this.command;
    if ((oldCommand ^ newCommand) & COMMAND.INTX_DISABLE) this.updateIntxOutput();
    this.msix?.writeConfig(offset, size);
    this.msi?.writeConfig(offset, size);
    const touchesCommand = offset <= COMMAND_OFFSET + 1 && offset + size > COMMAND_OFFSET;
    return this.touchesDecoding(offset, size) || (touchesCommand && ((oldCommand ^ newCommand) & (COMMAND.IO_SPACE | COMMAND.MEMORY_SPACE)) !== 0);
  }

  /** Whether a write to these bytes can move what the function decodes: its BARs (a bridge adds its windows). */
  protected touchesDecoding(offset: number, size: number): boolean {
    return offset < 0x28 && offset + size > 0x10;
  }

  private refuse(offset: number, size: number, value: number, write: boolean): void {
    this.log.emit.accessRefused(this.bdf, (size & 0xf) | ACCESS_CONFIG | (write ? ACCESS_WRITE : 0), offset, value);
  }

  /** D1 / MD1: raise interrupt cause `cause`: MSI-X when enabled, else MSI when enabled, else INTx (QEMU's device models' order). */
  raise(cause: number): void {
    const msix = this.msix;
    if (msix !== null && msix.enabled) {
      msix.notify(cause);
      return;
    }
    const msi = this.msi;
    if (msi !== null && msi.enabled) {
      msi.notify(cause);
      return;
    }
    // Not a drop: the level is latched in Status bit 3 and asserts when INTx Disable clears, as in QEMU.
    if (this.command & COMMAND.INTX_DISABLE) this.log.emit.intxChanged(this.bdf, cause & 0xffff, INTX_HELD, 0);
    this.setIntxLevel(1);
  }

  setIntxLevel(level: 0 | 1): void {
    this.intxLevel = level;
    const status = this.config.get16(STATUS_OFFSET);
    this.config.set(STATUS_OFFSET, 2, level ? status | STATUS.INTX_STATUS : status & ~STATUS.INTX_STATUS);
    this.updateIntxOutput();
  }

  /** C3 */
  deassertIntx(): void {
    this.setIntxLevel(0);
  }

  private updateIntxOutput(): void {
    const out = this.intxLevel === 1 && (this.command & COMMAND.INTX_DISABLE) === 0 ? 1 : 0;
    if (out === this.intxOutput) return;
    this.intxOutput = out;
    this.log.emit.intxChanged(this.bdf, 0, 0, out);
  }

  /**
   * N3: a message write as bus master; with Bus Master Enable clear it goes nowhere.
   * Behind bridges it travels upstream through each of them, so each bridge's own
   * Bus Master Enable must be set too (QEMU's bus-master address space does the same).
   */
  deliver(bdf: number, vector: number, addrLo: number, addrHi: number, data: number): MessageOutcome {
    for (let fn: PciFunction | null = this; fn !== null; fn = fn.upstream) {
      if ((fn.config.bytes[COMMAND_OFFSET]! & BUS_MASTER) === 0) {
        this.log.emit.notifyDropped(this.bdf, vector, DropReason.BusMasterDisabled, addrHi * 0x100000000 + addrLo, data);
        return DROPPED;
      }
    }
    return this.platform.deliver(bdf, vector, addrLo, addrHi, data);
  }

  /** Device reset as QEMU's pci_do_device_reset does it, then MSI-X reset (X1). */
  /** X5 */
  get msixPresent(): boolean {
    return this.msix !== null;
  }

  get msixEnabled(): boolean {
    return this.msix !== null && this.msix.enabled;
  }

  /** X2: msix_uninit; afterwards the function has no MSI-X. */
  removeMsix(): void {
    this.msix?.uninit();
    this.msix = null;
  }

  /** After the config bytes were replaced wholesale (a session restore, a checkpoint): state derived from them follows. */
  syncDerivedState(): void {
    // The INTx level is mirrored in Status bit 3; this recomputes what the pin drives.
    this.setIntxLevel((this.config.get16(STATUS_OFFSET) & STATUS.INTX_STATUS) !== 0 ? 1 : 0);
    this.msix?.syncFromConfig();
    this.msi?.syncFromConfig();
  }

  reset(): void {
    this.log.emit.reset(this.bdf, ResetScope.Device);
    const config = this.config;
    const clearWritable = (offset: number): void => {
      const mask = config.writable[offset]! | config.w1c[offset]! | (config.writable[offset + 1]! << 8) | (config.w1c[offset + 1]! << 8);
      config.set(offset, 2, config.get16(offset) & ~mask);
    };
    clearWritable(COMMAND_OFFSET);
    clearWritable(STATUS_OFFSET);
    config.set(0x0c, 1, 0);
    config.set(0x3c, 1, 0);
    for (const bar of this.bars) bar?.clear(config);
    this.intxLevel = 0;
    this.updateIntxOutput();
    config.set(STATUS_OFFSET, 2, config.get16(STATUS_OFFSET) & ~STATUS.INTX_STATUS);
    this.msix?.reset();
    this.msi?.reset();
  }
}

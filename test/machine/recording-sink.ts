// A recording InterruptSink for engine unit tests: every message an engine sent, in
// order, answered with an outcome the test chooses; and MSI-X and MSI engines built on
// a bare host (config space, capability list, one BAR region) whose sink it is.
import { Clock } from '../../src-main/machine/clock';
import { EventLog } from '../../src-main/machine/event-log';
import { Region } from '../../src-main/machine/address-space';
import { CapabilityList } from '../../src-main/machine/pci/capabilities';
import { ConfigSpace } from '../../src-main/machine/pci/config-space';
import { MsixEngine } from '../../src-main/machine/msix/msix-engine';
import { MsiEngine, type MsiParams } from '../../src-main/machine/msi/msi-engine';
import { MessageOutcome, type InterruptSink } from '../../src-main/machine/irq/interrupt-sink';
import type { InterruptHost } from '../../src-main/machine/pci/interrupt-host';

export interface SentMessage {
  bdf: number;
  vector: number;
  addrLo: number;
  addrHi: number;
  data: number;
}

export class RecordingSink implements InterruptSink {
  readonly sent: SentMessage[] = [];
  /** What the next messages come to. */
  outcome: MessageOutcome = MessageOutcome.Interrupt;

  deliver(bdf: number, vector: number, addrLo: number, addrHi: number, data: number): MessageOutcome {
    this.sent.push({ bdf, vector, addrLo, addrHi, data });
    return this.outcome;
  }

  /** The messages sent since the last take. */
  take(): SentMessage[] {
    return this.sent.splice(0);
  }
}

export const FAKE_BDF = 0x20;

/** A host with nothing but what an engine needs; counts the INTx deassertions it is asked for. */
export class FakeHost implements InterruptHost {
  readonly bdf = FAKE_BDF;
  readonly config = new ConfigSpace(256);
  readonly log = new EventLog(new Clock(), 4096);
  readonly sink = new RecordingSink();
  readonly caps = new CapabilityList(this.config);
  intxDeasserts = 0;

  deassertIntx(): void {
    this.intxDeasserts++;
  }

  /** A config write as the function stores it, then the engine's reaction. */
  configWrite(engine: { writeConfig(offset: number, size: number): void }, offset: number, size: 1 | 2 | 4, value: number): void {
    this.config.write(offset, size, value);
    engine.writeConfig(offset, size);
  }
}

export const FAKE_CAP = 0x50;

/** An MSI-X engine of `vectors` vectors: table at 0 and PBA at 0x800 of one 4 KiB BAR. */
export function msixOnFake(vectors = 4): { host: FakeHost; engine: MsixEngine } {
  const host = new FakeHost();
  const bar = new Region('bar1', 0x1000, null);
  const made = MsixEngine.init(host, host.caps, {
    layout: { vectors, capOffset: FAKE_CAP, tableBar: 1, tableOffset: 0, pbaBar: 1, pbaOffset: 0x800 },
    tableBarRegion: bar,
    pbaBarRegion: bar,
    msiSupported: true,
  });
  if (!made.ok) throw new Error(made.error);
  return { host, engine: made.engine };
}

export function msiOnFake(params: Partial<MsiParams> = {}): { host: FakeHost; engine: MsiEngine } {
  const host = new FakeHost();
  const made = MsiEngine.init(host, host.caps, { vectors: 4, is64bit: true, perVectorMask: true, capOffset: FAKE_CAP, ...params });
  if (!made.ok) throw new Error(made.error);
  return { host, engine: made.engine };
}

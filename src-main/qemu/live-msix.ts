// The live MSI-X view of a QEMU guest: each function's table and PBA as QEMU's device
// holds them, read over qtest (b64read), so the vector grid shows the real registers and
// not only what the shadow model worked out from the trace. A read goes out after the
// model saw the guest do something and at every stop of the guest (the attachment
// decides when); its trace records are announced to the shadow model first, which
// checks them against its own table (a ReadBack divergence when they differ) and logs
// them as nobody's access.
import type { Machine } from '../machine/machine';
import { UNMAPPED } from '../machine/pci/bar';
import type { QtestClient } from './qtest-client';
import type { ShadowModel } from './shadow-model';

/** A function's table and PBA as QEMU answered, and the model's time when it did. */
export interface LiveVectors {
  /** 4 dwords per vector, as in the BAR. */
  table: number[];
  /** The PBA's dwords. */
  pba: number[];
  timeNs: number;
}

export class LiveMsixReader {
  private readonly live = new Map<number, LiveVectors>();
  private running: Promise<void> | null = null;
  private again = false;
  /** Reads QEMU answered, and refused (FAIL, or not the bytes asked for). */
  reads = 0;
  refused = 0;

  constructor(
    private readonly qtest: QtestClient,
    private readonly machine: Machine,
    private readonly shadow: ShadowModel,
    /** Told of a function whose live table or PBA now reads differently. */
    private readonly changed: (bdf: number) => void,
  ) {}

  /** The last live read of a function, or null before one (or without MSI-X). */
  get(bdf: number): LiveVectors | null {
    return this.live.get(bdf) ?? null;
  }

  /** Reads every mapped table and PBA again; asked while a read runs, one more runs after it. */
  refresh(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.readAll();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async readAll(): Promise<void> {
    for (const fn of this.machine.functions()) {
      const msix = fn.msix;
      if (msix === null) continue;
      const tableBar = fn.bars[msix.layout.tableBar];
      const pbaBar = fn.bars[msix.layout.pbaBar];
      // Where the model maps nothing the guest cannot reach the table either: the last read stays, with its time.
      if (tableBar == null || pbaBar == null || tableBar.mappedAt === UNMAPPED || pbaBar.mappedAt === UNMAPPED) continue;
      const table = await this.read(tableBar.mappedAt + msix.layout.tableOffset, msix.table.length);
      const pba = await this.read(pbaBar.mappedAt + msix.layout.pbaOffset, msix.pba.length);
      if (table === null || pba === null) continue;
      const before = this.live.get(fn.bdf);
      this.live.set(fn.bdf, { table, pba, timeNs: this.machine.clock.now });
      if (before === undefined || !sameWords(before.table, table) || !sameWords(before.pba, pba)) this.changed(fn.bdf);
    }
  }

  /** `dwords` dwords at `addr` as QEMU answers them, or null when it refused. */
  private async read(addr: number, dwords: number): Promise<number[] | null> {
    this.shadow.expectOwnRead(addr, dwords);
    // A rejection is the connection closing (QEMU exiting): no refusal, just no read.
    const reply = await this.qtest.command(`b64read 0x${addr.toString(16)} 0x${(dwords * 4).toString(16)}`).catch(() => null);
    const bytes = reply?.startsWith('OK ') === true ? Buffer.from(reply.slice(3), 'base64') : null;
    if (bytes === null || bytes.length !== dwords * 4) {
      this.shadow.forgetOwnRead(dwords);
      if (reply !== null) this.refused++;
      return null;
    }
    this.reads++;
    return Array.from({ length: dwords }, (_, i) => bytes.readUInt32LE(i * 4));
  }
}

function sameWords(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

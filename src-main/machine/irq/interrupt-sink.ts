// The interrupt seam: where a message a device writes as bus master goes. The MSI-X
// and MSI engines know only this interface; a PCI function passes their messages on
// through its Bus Master gate (N3), the machine routes them to the local APIC or to
// memory (A1-A3), and engine tests put a recording fake in their place.

/** What became of one message write. */
export const MessageOutcome = {
  /** An interrupt controller took it (A1). */
  Interrupt: 0,
  /** An ordinary memory write took it (A2). */
  Memory: 1,
  /** Nothing took it; the sink logged why (N3, A1-A3). */
  Dropped: 2,
} as const;
export type MessageOutcome = (typeof MessageOutcome)[keyof typeof MessageOutcome];

export interface InterruptSink {
  /** Function `bdf`'s `vector` writes `data` at addrHi:addrLo. The sink logs the outcome it returns. */
  deliver(bdf: number, vector: number, addrLo: number, addrHi: number, data: number): MessageOutcome;
}

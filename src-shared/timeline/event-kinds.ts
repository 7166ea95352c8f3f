// The vocabularies of event fields: the values of the enum-like fields the event
// schema (event-schema.ts) declares, and their names. Like the kind ids, the values
// are part of the wire format and of saved sessions: append only, never renumber.
export const MaskCause = { VectorBit: 0, FunctionMask: 1, Enable: 2, Load: 3 } as const;
export const DropReason = {
  VectorOutOfRange: 0, // N1
  NotInUse: 1, // N1
  BusMasterDisabled: 2, // N3
  Unclaimed: 3, // A2: the message address hits nothing
  UnmaskNotInUse: 4, // U3
  NoSuchCpu: 5, // A1: destination APIC ID names no CPU
  /** Written by older versions for a raise under INTx Disable; that is now an IntxChanged "held" (D1). Kept so their sessions read right. */
  IntxDisabled: 6,
  Refused: 7, // A3: the message lands on a piece of a region that refuses a 4-byte write
  ReservedDeliveryMode: 8, // A1: delivery mode 3 or 6, which the APIC ignores
} as const;
export const DROP_REASON_NAMES = [
  'vector out of range',
  'vector not in use',
  'bus master disabled',
  'message address unclaimed',
  'unmasked while not in use',
  'no such CPU',
  'INTx disabled',
  'message address refused',
  'reserved delivery mode',
] as const;
/** FunctionMaskChanged's capability for plain MSI (MSI-X logs 0): the doctor tells the two Enables apart by it. */
export const FUNCTION_MSI = 1;
/** NotifyDelivered detail flag: `a` is the set of CPUs reached (bit i = CPU i), not one APIC ID. */
export const CPU_SET_FLAG = 0x40;
/** NotifyPended detail: the pending bit was set by restoring saved state (msix_load), not by a notify. */
export const PENDED_BY_LOAD = 2;
/** IntxChanged detail: the device raised INTx while INTx Disable holds the output low; the level is latched in Status bit 3. */
export const INTX_HELD = 1;
/**
 * What a Divergence event says QEMU did that irqscope's model of the device would not:
 * delivered a message the model would pend or drop (a = the model's NotifyPended /
 * NotifyDropped detail), answered a guest read with another value, accessed an MSI-X
 * structure where the model maps none, delivered a message the model would send to
 * another IDT vector, or set a pending bit the model would have delivered instead.
 */
export const DivergenceKind = { ModelWouldPend: 0, ModelWouldDrop: 1, ReadBack: 2, Unmapped: 3, IdtVector: 4, ModelWouldDeliver: 5 } as const;
export const DIVERGENCE_NAMES = [
  'QEMU delivered, the model would pend',
  'QEMU delivered, the model would drop',
  'read back differently',
  'QEMU accessed an MSI-X structure the model does not map there',
  'QEMU delivered to another IDT vector',
  'QEMU pended, the model would deliver',
] as const;
/** What an unclaimed memory access would have reached (AccessUnclaimed's vector column). */
export const UnclaimedKind = {
  Nothing: 0,
  /** The MSI-X table, at the address its BAR holds, while that BAR does not decode (Memory Space off, or an address it or a bridge above cannot decode at; never an unassigned BAR, address 0). */
  TableUndecoded: 1,
  PbaUndecoded: 2,
  /** An entry past the table's last one (N-1), in the table's BAR, that nothing claims. */
  BeyondTable: 3,
} as const;
export const UNCLAIMED_KIND_TEXT = ['', 'MSI-X table, BAR does not decode', 'MSI-X PBA, BAR does not decode', 'past the MSI-X table'] as const;
/** What a Reset event reset. */
export const ResetScope = { Device: 0, System: 1, Msix: 2 } as const;
export const PendingClearCause = { Unmask: 0, Unuse: 1, UnuseAll: 2, Reset: 3, Load: 4 } as const;
export const NotifierKind = { Use: 0, Release: 1, Poll: 2 } as const;
/** Why a Breakpoint event was logged: a breakpoint stopped the machine, a tracepoint hit, a step or run-until-vector ended. */
export const BreakpointDetail = { Stop: 0, Trace: 1, Step: 2, UntilVector: 3, User: 4 } as const;
/** Who caused an event: the guest (qtest lines), a device model, the user in the app (register and grid edits, pokes), or the machine itself (e.g. breakpoint markers). */
export const Origin = { Guest: 0, Device: 1, User: 2, Machine: 3 } as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

/** AccessFlags: bits 3:0 size in bytes, bit 4 write, bit 5 I/O space (else memory), bit 6 config. */
export const ACCESS_WRITE = 0x10;
export const ACCESS_IO = 0x20;
export const ACCESS_CONFIG = 0x40;

export const DELIVERY_MODE_NAMES = ['fixed', 'lowest', 'SMI', 'reserved3', 'NMI', 'INIT', 'reserved6', 'ExtINT'] as const;

// Register layouts as data: main derives config-space write masks from them, the
// renderer builds its editors from them, the lspci printer decodes with them.
export type FieldAccess = 'ro' | 'rw' | 'rw1c';

export interface RegisterField {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly access: FieldAccess;
  readonly title: string;
}

export interface RegisterDef {
  readonly name: string;
  readonly offset: number;
  readonly size: 1 | 2 | 4;
  /** Bits not covered by a field are read-only zero. */
  readonly fields: readonly RegisterField[];
}

const f = (name: string, lsb: number, width: number, access: FieldAccess, title = name): RegisterField => ({
  name,
  lsb,
  width,
  access,
  title,
});

export const COMMAND = {
  IO_SPACE: 1 << 0,
  MEMORY_SPACE: 1 << 1,
  BUS_MASTER: 1 << 2,
  INTX_DISABLE: 1 << 10,
} as const;

export const STATUS = {
  INTX_STATUS: 1 << 3,
  CAP_LIST: 1 << 4,
} as const;

/**
 * Status bits 5-15, the same in a header's Status and a bridge's Secondary Status but for
 * bit 14: the device signaled a system error, or the bridge received one from its bus.
 */
function busStatusFields(systemError: RegisterField): RegisterField[] {
  return [
    f('mhz66', 5, 1, 'ro', '66 MHz capable'),
    f('fastB2B', 7, 1, 'ro', 'Fast back-to-back capable'),
    f('masterParityError', 8, 1, 'rw1c', 'Master data parity error'),
    f('devsel', 9, 2, 'ro', 'DEVSEL timing'),
    f('signaledTargetAbort', 11, 1, 'rw1c', 'Signaled target abort'),
    f('receivedTargetAbort', 12, 1, 'rw1c', 'Received target abort'),
    f('receivedMasterAbort', 13, 1, 'rw1c', 'Received master abort'),
    systemError,
    f('detectedParityError', 15, 1, 'rw1c', 'Detected parity error'),
  ];
}

/** Type 0 (endpoint) configuration header. */
export const TYPE0_HEADER: readonly RegisterDef[] = [
  { name: 'VENDOR_ID', offset: 0x00, size: 2, fields: [f('vendor', 0, 16, 'ro', 'Vendor ID')] },
  { name: 'DEVICE_ID', offset: 0x02, size: 2, fields: [f('device', 0, 16, 'ro', 'Device ID')] },
  {
    name: 'COMMAND',
    offset: 0x04,
    size: 2,
    fields: [
      f('io', 0, 1, 'rw', 'I/O space'),
      f('mem', 1, 1, 'rw', 'Memory space'),
      f('busMaster', 2, 1, 'rw', 'Bus master'),
      f('specialCycles', 3, 1, 'ro', 'Special cycles'),
      f('memWriteInvalidate', 4, 1, 'ro', 'Memory write and invalidate'),
      f('vgaSnoop', 5, 1, 'ro', 'VGA palette snoop'),
      f('parityError', 6, 1, 'rw', 'Parity error response'),
      f('serr', 8, 1, 'rw', 'SERR# enable'),
      f('fastB2B', 9, 1, 'ro', 'Fast back-to-back'),
      f('intxDisable', 10, 1, 'rw', 'INTx disable'),
    ],
  },
  {
    name: 'STATUS',
    offset: 0x06,
    size: 2,
    fields: [
      f('intxStatus', 3, 1, 'ro', 'Interrupt status'),
      f('capList', 4, 1, 'ro', 'Capabilities list'),
      ...busStatusFields(f('signaledSystemError', 14, 1, 'rw1c', 'Signaled system error')),
    ],
  },
  { name: 'REVISION', offset: 0x08, size: 1, fields: [f('revision', 0, 8, 'ro', 'Revision ID')] },
  { name: 'CLASS_PROG', offset: 0x09, size: 1, fields: [f('progIf', 0, 8, 'ro', 'Programming interface')] },
  { name: 'CLASS_DEVICE', offset: 0x0a, size: 2, fields: [f('class', 0, 16, 'ro', 'Class / subclass')] },
  { name: 'CACHE_LINE_SIZE', offset: 0x0c, size: 1, fields: [f('cacheLineSize', 0, 8, 'rw', 'Cache line size')] },
  { name: 'LATENCY_TIMER', offset: 0x0d, size: 1, fields: [f('latencyTimer', 0, 8, 'rw', 'Latency timer')] },
  { name: 'HEADER_TYPE', offset: 0x0e, size: 1, fields: [f('headerType', 0, 7, 'ro', 'Header type'), f('multiFunction', 7, 1, 'ro', 'Multi-function')] },
  { name: 'BIST', offset: 0x0f, size: 1, fields: [f('bist', 0, 8, 'ro', 'BIST')] },
  ...[0, 1, 2, 3, 4, 5].map((i): RegisterDef => ({
    name: `BASE_ADDRESS_${i}`,
    offset: 0x10 + 4 * i,
    size: 4,
    // The writable address bits depend on the BAR's size; the device computes them.
    fields: [f('address', 0, 32, 'rw', `BAR ${i}`)],
  })),
  { name: 'CARDBUS_CIS', offset: 0x28, size: 4, fields: [f('cis', 0, 32, 'ro', 'CardBus CIS pointer')] },
  { name: 'SUBSYSTEM_VENDOR_ID', offset: 0x2c, size: 2, fields: [f('subsystemVendor', 0, 16, 'ro', 'Subsystem vendor ID')] },
  { name: 'SUBSYSTEM_ID', offset: 0x2e, size: 2, fields: [f('subsystem', 0, 16, 'ro', 'Subsystem ID')] },
  { name: 'ROM_ADDRESS', offset: 0x30, size: 4, fields: [f('rom', 0, 32, 'ro', 'Expansion ROM base')] },
  { name: 'CAPABILITY_LIST', offset: 0x34, size: 1, fields: [f('capPointer', 0, 8, 'ro', 'Capabilities pointer')] },
  { name: 'INTERRUPT_LINE', offset: 0x3c, size: 1, fields: [f('interruptLine', 0, 8, 'rw', 'Interrupt line')] },
  { name: 'INTERRUPT_PIN', offset: 0x3d, size: 1, fields: [f('interruptPin', 0, 8, 'ro', 'Interrupt pin')] },
  { name: 'MIN_GNT', offset: 0x3e, size: 1, fields: [f('minGnt', 0, 8, 'ro', 'Min grant')] },
  { name: 'MAX_LAT', offset: 0x3f, size: 1, fields: [f('maxLat', 0, 8, 'ro', 'Max latency')] },
];

/** Bridge Control bits (type 1 header, 0x3e) that QEMU's PCI-to-PCI bridge lets software write. */
export const BRIDGE_CONTROL_WRITABLE = 0x0bff;

const sharedHeader = TYPE0_HEADER.filter((r) => r.offset < 0x10 || r.name === 'CAPABILITY_LIST' || r.name === 'INTERRUPT_LINE' || r.name === 'INTERRUPT_PIN');
const window16 = (name: string, offset: number, title: string): RegisterDef => ({
  name,
  offset,
  size: 2,
  fields: [f('type', 0, 4, 'ro', `${title} type`), f('address', 4, 12, 'rw', title)],
});

/** Type 1 (PCI-to-PCI bridge) configuration header, as QEMU's bridges implement it (16-bit I/O, 64-bit prefetchable). */
export const TYPE1_HEADER: readonly RegisterDef[] = [
  ...sharedHeader,
  ...[0, 1].map((i): RegisterDef => ({ name: `BASE_ADDRESS_${i}`, offset: 0x10 + 4 * i, size: 4, fields: [f('address', 0, 32, 'rw', `BAR ${i}`)] })),
  { name: 'PRIMARY_BUS', offset: 0x18, size: 1, fields: [f('primary', 0, 8, 'rw', 'Primary bus number')] },
  { name: 'SECONDARY_BUS', offset: 0x19, size: 1, fields: [f('secondary', 0, 8, 'rw', 'Secondary bus number')] },
  { name: 'SUBORDINATE_BUS', offset: 0x1a, size: 1, fields: [f('subordinate', 0, 8, 'rw', 'Subordinate bus number')] },
  { name: 'SEC_LATENCY_TIMER', offset: 0x1b, size: 1, fields: [f('secLatency', 0, 8, 'rw', 'Secondary latency timer')] },
  { name: 'IO_BASE', offset: 0x1c, size: 1, fields: [f('type', 0, 4, 'ro', 'I/O addressing'), f('base', 4, 4, 'rw', 'I/O base (bits 15:12)')] },
  { name: 'IO_LIMIT', offset: 0x1d, size: 1, fields: [f('type', 0, 4, 'ro', 'I/O addressing'), f('limit', 4, 4, 'rw', 'I/O limit (bits 15:12)')] },
  {
    name: 'SEC_STATUS',
    offset: 0x1e,
    size: 2,
    fields: [
      ...busStatusFields(f('receivedSystemError', 14, 1, 'rw1c', 'Received system error')),
    ],
  },
  window16('MEMORY_BASE', 0x20, 'Memory base (bits 31:20)'),
  window16('MEMORY_LIMIT', 0x22, 'Memory limit (bits 31:20)'),
  window16('PREF_MEMORY_BASE', 0x24, 'Prefetchable base (bits 31:20)'),
  window16('PREF_MEMORY_LIMIT', 0x26, 'Prefetchable limit (bits 31:20)'),
  { name: 'PREF_BASE_UPPER32', offset: 0x28, size: 4, fields: [f('base', 0, 32, 'rw', 'Prefetchable base (bits 63:32)')] },
  { name: 'PREF_LIMIT_UPPER32', offset: 0x2c, size: 4, fields: [f('limit', 0, 32, 'rw', 'Prefetchable limit (bits 63:32)')] },
  { name: 'IO_BASE_UPPER16', offset: 0x30, size: 2, fields: [f('base', 0, 16, 'ro', 'I/O base (bits 31:16)')] },
  { name: 'IO_LIMIT_UPPER16', offset: 0x32, size: 2, fields: [f('limit', 0, 16, 'ro', 'I/O limit (bits 31:16)')] },
  { name: 'ROM_ADDRESS1', offset: 0x38, size: 4, fields: [f('rom', 0, 32, 'ro', 'Expansion ROM base')] },
  {
    name: 'BRIDGE_CONTROL',
    offset: 0x3e,
    size: 2,
    fields: [
      f('parity', 0, 1, 'rw', 'Parity error response'),
      f('serr', 1, 1, 'rw', 'SERR# enable'),
      f('isa', 2, 1, 'rw', 'ISA enable'),
      f('vga', 3, 1, 'rw', 'VGA enable'),
      f('vga16', 4, 1, 'rw', 'VGA 16-bit decode'),
      f('masterAbort', 5, 1, 'rw', 'Master abort mode'),
      f('busReset', 6, 1, 'rw', 'Secondary bus reset'),
      f('fastB2B', 7, 1, 'rw', 'Fast back-to-back'),
      f('discard', 8, 1, 'rw', 'Primary discard timer'),
      f('secDiscard', 9, 1, 'rw', 'Secondary discard timer'),
      f('discardStatus', 10, 1, 'rw1c', 'Discard timer status'),
      f('discardSerr', 11, 1, 'rw', 'Discard timer SERR# enable'),
    ],
  },
];

export const MSIX_CAP_ID = 0x11;
export const MSIX_CAP_LENGTH = 12;
export const MSIX_CONTROL = {
  TABLE_SIZE_MASK: 0x07ff,
  FUNCTION_MASK: 1 << 14,
  ENABLE: 1 << 15,
} as const;
export const MSIX_MAX_VECTORS = 2048;
export const MSIX_ENTRY_SIZE = 16;
export const MSIX_ENTRY = { ADDR_LO: 0, ADDR_HI: 4, DATA: 8, VECTOR_CTRL: 12 } as const;
export const MSIX_VECTOR_CTRL_MASKBIT = 1;

/** Where a function's MSI-X structures live: the capability, and the table and PBA by BAR and offset. */
export interface MsixLayout {
  vectors: number;
  capOffset: number;
  tableBar: number;
  tableOffset: number;
  pbaBar: number;
  pbaOffset: number;
}

/** Offsets relative to the capability. */
export const MSIX_CAP_REGISTERS: readonly RegisterDef[] = [
  { name: 'CAP_ID', offset: 0, size: 1, fields: [f('capId', 0, 8, 'ro', 'Capability ID')] },
  { name: 'NEXT', offset: 1, size: 1, fields: [f('next', 0, 8, 'ro', 'Next capability')] },
  {
    name: 'MSIX_FLAGS',
    offset: 2,
    size: 2,
    fields: [f('tableSize', 0, 11, 'ro', 'Table size (N-1)'), f('functionMask', 14, 1, 'rw', 'Function Mask'), f('enable', 15, 1, 'rw', 'MSI-X Enable')],
  },
  { name: 'MSIX_TABLE', offset: 4, size: 4, fields: [f('bir', 0, 3, 'ro', 'Table BIR'), f('offset', 3, 29, 'ro', 'Table offset / 8')] },
  { name: 'MSIX_PBA', offset: 8, size: 4, fields: [f('bir', 0, 3, 'ro', 'PBA BIR'), f('offset', 3, 29, 'ro', 'PBA offset / 8')] },
];

function fieldMask(field: RegisterField): number {
  return field.width >= 32 ? 0xffffffff : ((1 << field.width) - 1) << field.lsb;
}

/** Per-byte masks (writable, write-1-to-clear) of a register list placed at `base`. */
export function fillByteMasks(defs: readonly RegisterDef[], base: number, writable: Uint8Array, w1c: Uint8Array): void {
  for (const def of defs) {
    let rw = 0;
    let rw1c = 0;
    for (const field of def.fields) {
      if (field.access === 'rw') rw |= fieldMask(field);
      else if (field.access === 'rw1c') rw1c |= fieldMask(field);
    }
    for (let i = 0; i < def.size; i++) {
      writable[base + def.offset + i] = (rw >>> (8 * i)) & 0xff;
      w1c[base + def.offset + i] = (rw1c >>> (8 * i)) & 0xff;
    }
  }
}

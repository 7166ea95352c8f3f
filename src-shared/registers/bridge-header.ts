// The type 1 (PCI-to-PCI bridge) configuration header after the two BARs:
// bus numbers, the I/O / memory / prefetchable windows, secondary status and
// Bridge Control (PCI-to-PCI Bridge Architecture 1.2, chapter 3).
import type { FieldAccess, RegisterDef, RegisterField } from './layout';

const f = (name: string, lsb: number, width: number, access: FieldAccess, title = name): RegisterField => ({ name, lsb, width, access, title });
const reg = (name: string, offset: number, size: 1 | 2 | 4, fields: RegisterField[]): RegisterDef => ({ name, offset, size, fields });

export const TYPE1 = {
  PRIMARY_BUS: reg('PRIMARY_BUS', 0x18, 1, [f('bus', 0, 8, 'rw', 'Primary bus number')]),
  SECONDARY_BUS: reg('SECONDARY_BUS', 0x19, 1, [f('bus', 0, 8, 'rw', 'Secondary bus number')]),
  SUBORDINATE_BUS: reg('SUBORDINATE_BUS', 0x1a, 1, [f('bus', 0, 8, 'rw', 'Subordinate bus number')]),
  SEC_LATENCY: reg('SEC_LATENCY_TIMER', 0x1b, 1, [f('latency', 0, 8, 'rw', 'Secondary latency timer')]),
  IO_BASE: reg('IO_BASE', 0x1c, 1, [f('type', 0, 4, 'ro', 'I/O addressing (0 16-bit, 1 32-bit)'), f('base', 4, 4, 'rw', 'I/O base [15:12]')]),
  IO_LIMIT: reg('IO_LIMIT', 0x1d, 1, [f('type', 0, 4, 'ro', 'I/O addressing (0 16-bit, 1 32-bit)'), f('limit', 4, 4, 'rw', 'I/O limit [15:12]')]),
  SEC_STATUS: reg('SEC_STATUS', 0x1e, 2, [
    f('66MHz', 5, 1, 'ro', '66 MHz capable'), f('FastB2B', 7, 1, 'ro', 'Fast back-to-back capable'), f('ParErr', 8, 1, 'rw1c', 'Master data parity error'),
    f('devsel', 9, 2, 'ro', 'DEVSEL timing'), f('>TAbort', 11, 1, 'rw1c', 'Signaled target abort'), f('<TAbort', 12, 1, 'rw1c', 'Received target abort'),
    f('<MAbort', 13, 1, 'rw1c', 'Received master abort'), f('<SERR', 14, 1, 'rw1c', 'Received system error'), f('<PERR', 15, 1, 'rw1c', 'Detected parity error'),
  ]),
  MEMORY_BASE: reg('MEMORY_BASE', 0x20, 2, [f('type', 0, 4, 'ro', 'Memory window type'), f('base', 4, 12, 'rw', 'Memory base [31:20]')]),
  MEMORY_LIMIT: reg('MEMORY_LIMIT', 0x22, 2, [f('type', 0, 4, 'ro', 'Memory window type'), f('limit', 4, 12, 'rw', 'Memory limit [31:20]')]),
  PREF_BASE: reg('PREF_MEMORY_BASE', 0x24, 2, [f('type', 0, 4, 'ro', 'Prefetchable addressing (0 32-bit, 1 64-bit)'), f('base', 4, 12, 'rw', 'Prefetchable base [31:20]')]),
  PREF_LIMIT: reg('PREF_MEMORY_LIMIT', 0x26, 2, [f('type', 0, 4, 'ro', 'Prefetchable addressing (0 32-bit, 1 64-bit)'), f('limit', 4, 12, 'rw', 'Prefetchable limit [31:20]')]),
  PREF_BASE_UPPER: reg('PREF_BASE_UPPER32', 0x28, 4, [f('base', 0, 32, 'rw', 'Prefetchable base [63:32]')]),
  PREF_LIMIT_UPPER: reg('PREF_LIMIT_UPPER32', 0x2c, 4, [f('limit', 0, 32, 'rw', 'Prefetchable limit [63:32]')]),
  IO_BASE_UPPER: reg('IO_BASE_UPPER16', 0x30, 2, [f('base', 0, 16, 'rw', 'I/O base [31:16]')]),
  IO_LIMIT_UPPER: reg('IO_LIMIT_UPPER16', 0x32, 2, [f('limit', 0, 16, 'rw', 'I/O limit [31:16]')]),
  BRIDGE_CONTROL: reg('BRIDGE_CONTROL', 0x3e, 2, [
    f('Parity', 0, 1, 'rw', 'Parity error response'), f('SERR', 1, 1, 'rw', 'SERR# enable'), f('NoISA', 2, 1, 'rw', 'ISA enable'), f('VGA', 3, 1, 'rw', 'VGA enable'),
    f('VGA16', 4, 1, 'rw', 'VGA 16-bit decode'), f('MAbort', 5, 1, 'rw', 'Master abort mode'), f('>Reset', 6, 1, 'rw', 'Secondary bus reset'), f('FastB2B', 7, 1, 'ro', 'Fast back-to-back enable'),
    f('PriDiscTmr', 8, 1, 'ro', 'Primary discard timeout'), f('SecDiscTmr', 9, 1, 'ro', 'Secondary discard timeout'), f('DiscTmrStat', 10, 1, 'ro', 'Discard timer status'),
    f('DiscTmrSERREn', 11, 1, 'ro', 'Discard timer SERR# enable'),
  ]),
} as const;

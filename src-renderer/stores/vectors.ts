// The selected device's MSI-X vector table (or plain MSI's vectors) as the machine
// has it (a snapshot, re-read when the device changes), and the vector actions:
// guest-side writes — MSI-X table entries at the BAR address, MSI's registers in
// config space as the register editors write them — device-side fire, use counts and
// interval sources.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { InterruptCounts, MsiInfo, VectorSnapshot } from '../../src-shared/ipc/contract';
import { decodeMsiMessage, type MsiMessage } from '../../src-shared/timeline/msi-message';
import { MSIX_ENTRY, MSIX_ENTRY_SIZE } from '../../src-shared/registers/layout';
import { messageAddressHi, messageAddressLo, messageData, pendingBit, vectorControl, vectorMaskBit } from '../../src-shared/registers/msix-entry';
import { vectorMasked } from '../../src-shared/registers/msix-mask-rule';
import { useStatusStore } from './status';
import { useDevicesStore } from './devices';
import { useRegistersStore } from './registers';
import { msiRegisters } from '../../src-shared/registers/capability-layouts';
import type { VectorWhy } from '../../src-shared/doctor/vector-why';

export interface VectorRow {
  vector: number;
  addrLo: number;
  addrHi: number;
  data: number;
  control: number;
  masked: boolean;
  /** M2: masked by its own bit or by the function. */
  effectivelyMasked: boolean;
  /** Whether it has a mask bit of its own (plain MSI only with per-vector masking). */
  maskable: boolean;
  pending: boolean;
  useCount: number;
  delivered: number;
  lastEventTime: number;
  rate: number | null;
  message: MsiMessage;
  /** What the state means now, and the event that says so (computed in the host). */
  why: VectorWhy;
  /** Changes whenever anything shown in the row changes (the row flashes). */
  signature: string;
}

export type EntryField = keyof typeof MSIX_ENTRY;

/** By entry field: plain MSI's register that holds it (every vector shares the address and data, MG1). */
const MSI_REGISTER: Record<EntryField, string> = { ADDR_LO: 'MSI_ADDRESS_LO', ADDR_HI: 'MSI_ADDRESS_HI', DATA: 'MSI_DATA', VECTOR_CTRL: 'MSI_MASK' };

/** Where `field` of an MSI vector is written in config space, and the value, or why it cannot be. */
function msiWrite(msi: MsiInfo, field: EntryField, vector: number, value: number, maskBits: number): { offset: number; size: 1 | 2 | 4; value: number } | string {
  const flags = (msi.is64bit ? 0x80 : 0) | (msi.perVectorMask ? 0x100 : 0) | (Math.log2(msi.vectors) << 1);
  const reg = msiRegisters(flags).find((r) => r.name === MSI_REGISTER[field]);
  if (reg === undefined) {
    if (field === 'ADDR_HI') return value === 0 ? 'nothing to write' : `vector ${vector}: this MSI capability has a 32-bit address, so the upper half is always 0`;
    return `vector ${vector}: this MSI capability has no per-vector masking (no Mask Bits register)`;
  }
  const at = { offset: msi.capOffset + reg.offset, size: reg.size };
  if (field === 'DATA' && value > 0xffff) return `vector ${vector}: MSI Message Data is 16 bits, ${value.toString(16)} does not fit`;
  // The row's mask column is its bit of the Mask Bits dword.
  if (field === 'VECTOR_CTRL') return { ...at, value: (value & 1 ? maskBits | (1 << vector) : maskBits & ~(1 << vector)) >>> 0 };
  return { ...at, value };
}

export const useVectorsStore = defineStore('vectors', () => {
  const status = useStatusStore();
  const devices = useDevicesStore();
  const snapshot = shallowRef<VectorSnapshot | null>(null);
  /** The APIC's counts (all devices), re-read with the snapshot. */
  const interrupts = shallowRef<InterruptCounts | null>(null);

  const rows = computed<VectorRow[]>(() => {
    const s = snapshot.value;
    if (s === null) return [];
    const rates = new Map(s.sources.map((x) => [x.vector, x.ratePerSecond]));
    return Array.from({ length: s.vectors }, (_, v) => {
      const addrLo = messageAddressLo(s.table, v);
      const addrHi = messageAddressHi(s.table, v);
      const data = messageData(s.table, v);
      const control = vectorControl(s.table, v);
      const masked = vectorMaskBit(s.table, v);
      const pending = pendingBit(s.pba, v);
      const row = {
        vector: v,
        addrLo,
        addrHi,
        data,
        control,
        masked,
        effectivelyMasked: vectorMasked(masked, s.functionMasked),
        maskable: s.kind !== 'msi' || (devices.selected?.msi?.perVectorMask ?? false),
        pending,
        useCount: s.useCount[v]!,
        delivered: s.delivered[v]!,
        lastEventTime: s.lastEventTime[v]!,
        rate: rates.get(v) ?? null,
        message: decodeMsiMessage(addrLo, addrHi, data),
        why: s.why[v] ?? { text: '', seq: null },
      };
      return { ...row, signature: [addrLo, addrHi, data, control, pending, row.useCount, row.delivered, row.rate, row.effectivelyMasked, row.why.text].join(',') };
    });
  });

  /** Where vector v's field is in guest memory, or null while the table's BAR is unmapped. */
  function entryAddress(vector: number, field: EntryField): number | null {
    const base = snapshot.value?.tableAddress ?? null;
    return base === null ? null : base + vector * MSIX_ENTRY_SIZE + MSIX_ENTRY[field];
  }

  async function refresh(): Promise<void> {
    const device = devices.selected;
    if (device === null || (device.msix === null && device.msi === undefined)) {
      snapshot.value = null;
      return;
    }
    const [got, counts] = await Promise.all([status.call('vectorSnapshot', { bdf: device.bdf }), status.call('interruptCounts', {})]);
    if (counts !== undefined) interrupts.value = counts;
    if (got !== undefined && got.bdf === devices.selectedBdf) snapshot.value = got;
  }

  /** An MSI vector's field, written as the register editors write config space (MI2's masks apply). */
  async function writeMsi(msi: MsiInfo, vector: number, field: EntryField, value: number): Promise<boolean> {
    const maskBits = rows.value.reduce((bits, r) => (r.masked ? bits | (1 << r.vector) : bits), 0);
    const write = msiWrite(msi, field, vector, value >>> 0, maskBits);
    if (write === 'nothing to write') return true;
    if (typeof write === 'string') {
      status.reportError(write);
      return false;
    }
    const done = await useRegistersStore().writeConfig(write.offset, write.size, write.value);
    await refresh();
    return done !== null;
  }

  /** A guest-side write: a 4-byte write into the MSI-X table (T3), or MSI's register; then the snapshot is re-read. */
  async function writeEntry(vector: number, field: EntryField, value: number): Promise<boolean> {
    const msi = devices.selected?.msi;
    if (snapshot.value?.kind === 'msi' && msi !== undefined) return writeMsi(msi, vector, field, value);
    const address = entryAddress(vector, field);
    if (address === null) {
      status.reportError(`vector ${vector}: the table's BAR is not mapped, so the guest cannot write it`);
      return false;
    }
    const done = await status.call('writeMmio', { address, size: 4, value: value >>> 0 });
    await refresh();
    return done !== undefined;
  }

  async function setMasked(vector: number, masked: boolean): Promise<boolean> {
    const row = rows.value[vector];
    if (row === undefined) return false;
    return writeEntry(vector, 'VECTOR_CTRL', masked ? row.control | 1 : row.control & ~1);
  }

  async function act(run: (bdf: number) => Promise<unknown>): Promise<void> {
    const bdf = snapshot.value?.bdf;
    if (bdf === undefined) return;
    await run(bdf);
    await refresh();
  }

  const fire = (vector: number): Promise<void> => act((bdf) => status.call('fireVector', { bdf, vector }));
  const use = (vector: number): Promise<void> => act((bdf) => status.call('useVector', { bdf, vector }));
  const unuse = (vector: number): Promise<void> => act((bdf) => status.call('unuseVector', { bdf, vector }));
  /** A periodic device-side source for the vector; null stops it. */
  const setRate = (vector: number, ratePerSecond: number | null): Promise<void> =>
    act((bdf) => (ratePerSecond === null ? status.call('stopSource', { bdf, vector }) : status.call('startSource', { bdf, vector, ratePerSecond })));

  return { snapshot, interrupts, rows, entryAddress, refresh, writeEntry, setMasked, fire, use, unuse, setRate };
});

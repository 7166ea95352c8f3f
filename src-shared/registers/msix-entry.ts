// An MSI-X table and PBA as arrays of dwords, the way the BAR lays them out: four
// dwords per vector (R3: Message Address, Message Upper Address, Message Data,
// Vector Control, whose bit 0 is the mask bit) and one pending bit per vector (R4).
// The engine's Uint32Arrays and the snapshots' number arrays are read through these
// alone, so the layout is written down once for main and renderer.
import { MSIX_ENTRY, MSIX_ENTRY_SIZE, MSIX_VECTOR_CTRL_MASKBIT } from './layout';

/** Dwords per table entry. */
export const ENTRY_DWORDS = MSIX_ENTRY_SIZE / 4;

/** An entry's dwords by name, as indexes into the entry (MSIX_ENTRY has the byte offsets). */
export const EntryDword = {
  ADDR_LO: MSIX_ENTRY.ADDR_LO / 4,
  ADDR_HI: MSIX_ENTRY.ADDR_HI / 4,
  DATA: MSIX_ENTRY.DATA / 4,
  VECTOR_CTRL: MSIX_ENTRY.VECTOR_CTRL / 4,
} as const;

// Imported bindings are read through getters under CommonJS interop; the engine's hot
// path calls these accessors, so they use local copies.
const ENTRY_BYTES = MSIX_ENTRY_SIZE;
const MASKBIT = MSIX_VECTOR_CTRL_MASKBIT;
const { ADDR_LO, ADDR_HI, DATA, VECTOR_CTRL } = EntryDword;

/** The specification's names of an entry's dwords, by index. */
export const ENTRY_DWORD_TITLES: readonly string[] = ['Message Address', 'Message Upper Address', 'Message Data', 'Vector Control'];

export function messageAddressLo(table: ArrayLike<number>, vector: number): number {
  return table[vector * ENTRY_DWORDS + ADDR_LO]!;
}

export function messageAddressHi(table: ArrayLike<number>, vector: number): number {
  return table[vector * ENTRY_DWORDS + ADDR_HI]!;
}

export function messageData(table: ArrayLike<number>, vector: number): number {
  return table[vector * ENTRY_DWORDS + DATA]!;
}

export function vectorControl(table: ArrayLike<number>, vector: number): number {
  return table[vector * ENTRY_DWORDS + VECTOR_CTRL]!;
}

/** The vector's own mask bit (Vector Control bit 0). */
export function vectorMaskBit(table: ArrayLike<number>, vector: number): boolean {
  return (table[vector * ENTRY_DWORDS + VECTOR_CTRL]! & MASKBIT) !== 0;
}

/** Sets or clears the vector's mask bit, leaving Vector Control's other bits. */
export function setVectorMaskBit(table: Uint32Array, vector: number, masked: boolean): void {
  const i = vector * ENTRY_DWORDS + VECTOR_CTRL;
  table[i] = masked ? table[i]! | MASKBIT : table[i]! & ~MASKBIT;
}

/** Stores a message in the vector's entry, leaving Vector Control. */
export function writeMessage(table: Uint32Array, vector: number, addrLo: number, addrHi: number, data: number): void {
  const i = vector * ENTRY_DWORDS;
  table[i + ADDR_LO] = addrLo;
  table[i + ADDR_HI] = addrHi;
  table[i + DATA] = data;
}

/** The vector whose entry holds byte `offset` of the table. */
export function vectorAtOffset(offset: number): number {
  // A table is at most 2048 entries, so the offset fits 32 bits.
  return (offset / ENTRY_BYTES) >>> 0;
}

/** Which dword of its entry byte `offset` of the table falls in. */
export function dwordAtOffset(offset: number): number {
  return (offset % ENTRY_BYTES) >>> 2;
}

/** R3: bytes the vector table of `vectors` entries takes. */
export function tableBytes(vectors: number): number {
  return vectors * ENTRY_BYTES;
}

/** R4: bytes the PBA takes, one bit per vector in whole qwords. */
export function pbaBytes(vectors: number): number {
  return Math.ceil(vectors / 64) * 8;
}

/** R4: whether `vector`'s pending bit is set in PBA dwords `pba`. */
export function pendingBit(pba: ArrayLike<number>, vector: number): boolean {
  return ((pba[vector >>> 5]! >>> (vector & 31)) & 1) === 1;
}

// Random but well-formed config spaces for the differential test against real
// lspci: every capability irqscope decodes, with random register contents, on
// endpoints and bridges of every PCI Express port type. Seeded, so a failure
// reproduces.
import { CAP_ID, EXP_TYPE, EXT_CAP_ID } from '../../src-shared/registers/capability-layouts';
import { CXL_UNDECODED_IDS } from '../../src-shared/pci-text/lspci-ecaps';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Builder {
  bytes: Uint8Array;
  rand: () => number;
}

const int = (b: Builder, n: number) => Math.floor(b.rand() * n);
const rand = (b: Builder) => b.rand();
const pick = <T>(b: Builder, items: readonly T[]): T => items[int(b, items.length)]!;
function fill(b: Builder, from: number, to: number): void {
  for (let i = from; i < to; i++) b.bytes[i] = int(b, 256);
}
function put(b: Builder, at: number, size: number, value: number): void {
  for (let i = 0; i < size; i++) b.bytes[at + i] = Math.floor(value / 256 ** i) & 0xff;
}

const EXPRESS_TYPES = Object.values(EXP_TYPE);

/** Standard capabilities: [id, length, fill the body]. */
const STANDARD: readonly [number, number, (b: Builder, at: number) => void][] = [
  [CAP_ID.PM, 8, (b, at) => fill(b, at + 2, at + 8)],
  [CAP_ID.MSI, 24, (b, at) => {
    fill(b, at + 2, at + 24);
    b.bytes[at + 3] = b.bytes[at + 3]! & 0x01;
  }],
  [CAP_ID.MSIX, 12, (b, at) => fill(b, at + 2, at + 12)],
  [CAP_ID.EXP, 0x3c, (b, at) => {
    fill(b, at + 2, at + 0x3c);
    put(b, at + 2, 2, (pick(b, [1, 2, 2, 2]) | (pick(b, EXPRESS_TYPES) << 4) | (int(b, 2) << 8) | (int(b, 32) << 9)) >>> 0);
  }],
  [CAP_ID.VENDOR, 20, (b, at) => {
    fill(b, at + 2, at + 20);
    b.bytes[at + 2] = pick(b, [16, 20, 8]);
    b.bytes[at + 3] = int(b, 7);
  }],
  [CAP_ID.HT, 0x20, (b, at) => {
    fill(b, at + 2, at + 0x20);
    // Slave/Primary (000), Host/Secondary (001), or one of the 5-bit types.
    const type = pick(b, [0x00, 0x04, 0x08, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a]);
    b.bytes[at + 3] = type < 0x08 ? (type << 3) | int(b, 32) : (type << 3) | int(b, 8);
    if (rand(b) < 0.7) b.bytes[at + (type === 0 ? 0x0c : 0x08)] = pick(b, [0x22, 0x25, 0x11, 0x15, 0x60]);
  }],
  [CAP_ID.SSVID, 8, (b, at) => fill(b, at + 2, at + 8)],
  [0x13, 6, (b, at) => fill(b, at + 2, at + 6)],
  [CAP_ID.SLOT_ID, 4, (b, at) => fill(b, at + 2, at + 4)],
  [CAP_ID.VPD, 8, (b, at) => fill(b, at + 2, at + 8)],
  [CAP_ID.SATA, 8, (b, at) => {
    fill(b, at + 2, at + 8);
    // Mostly a BAR (4-9) or config space (15), sometimes a reserved location.
    b.bytes[at + 4] = (b.bytes[at + 4]! & 0xf0) | (rand(b) < 0.8 ? pick(b, [4, 5, 6, 7, 8, 9, 15]) : int(b, 16));
  }],
];

/** Extended capabilities: [id, length, fill the body]. */
const EXTENDED: readonly [number, number, (b: Builder, at: number) => void][] = [
  [EXT_CAP_ID.AER, 0x38, (b, at) => fill(b, at + 4, at + 0x38)],
  [EXT_CAP_ID.VC, 0x40, (b, at) => {
    fill(b, at + 4, at + 0x40);
    b.bytes[at + 4] = (b.bytes[at + 4]! & ~7) | int(b, 4);
  }],
  [EXT_CAP_ID.DSN, 12, (b, at) => fill(b, at + 4, at + 12)],
  [EXT_CAP_ID.VENDOR, 12, (b, at) => fill(b, at + 4, at + 12)],
  [EXT_CAP_ID.ACS, 8, (b, at) => fill(b, at + 4, at + 8)],
  [EXT_CAP_ID.ARI, 8, (b, at) => fill(b, at + 4, at + 8)],
  [EXT_CAP_ID.ATS, 8, (b, at) => fill(b, at + 4, at + 8)],
  [EXT_CAP_ID.SRIOV, 0x40, (b, at) => fill(b, at + 4, at + 0x40)],
  [EXT_CAP_ID.PRI, 0x10, (b, at) => fill(b, at + 4, at + 0x10)],
  [EXT_CAP_ID.PASID, 8, (b, at) => fill(b, at + 4, at + 8)],
  [EXT_CAP_ID.LTR, 8, (b, at) => fill(b, at + 4, at + 8)],
  [EXT_CAP_ID.L1PM, 0x10, (b, at) => fill(b, at + 4, at + 0x10)],
  [EXT_CAP_ID.SECPCI, 0x10, (b, at) => fill(b, at + 4, at + 0x10)],
  [EXT_CAP_ID.DOE, 0x18, (b, at) => fill(b, at + 4, at + 0x18)],
  [EXT_CAP_ID.RCLINK, 0x40, (b, at) => {
    fill(b, at + 4, at + 0x40);
    // Up to 3 link entries fit; sometimes a count that runs past the 4 KiB space, and element types past the three named.
    b.bytes[at + 5] = rand(b) < 0.9 ? int(b, 4) : int(b, 256);
    b.bytes[at + 4] = rand(b) < 0.8 ? int(b, 3) : int(b, 256);
  }],
  [0x12, 8, () => undefined],
  [0x1d, 8, () => undefined],
];

/** A Resizable BAR: 0-7 entries by the first control register (lspci names 0 and 7 out of specification), random sizes and BAR indexes. */
function rebarBody(b: Builder, at: number): void {
  fill(b, at + 4, at + 0x34);
  b.bytes[at + 8] = (b.bytes[at + 8]! & 0x1f) | ((rand(b) < 0.85 ? 1 + int(b, 6) : pick(b, [0, 7])) << 5);
  for (let i = 0; i < 6; i++) {
    // Mostly sizes lspci names (up to 8 EB), sometimes past them; sometimes no sizes at all.
    b.bytes[at + 9 + 8 * i] = rand(b) < 0.85 ? int(b, 44) : int(b, 64);
    if (rand(b) < 0.15) put(b, at + 4 + 8 * i, 4, 0);
  }
}

/**
 * Capabilities added since the seed-11 stream was fixed: drawn from a second
 * generator seeded by each device's header, so the devices (and names) the
 * first stream makes stay as they were and these come on top.
 */
const MORE_STANDARD: readonly [number, number, (b: Builder, at: number) => void][] = [
  [CAP_ID.AGP, 12, (b, at) => {
    fill(b, at + 2, at + 12);
    // Versions 1.0-3.5 mostly, so both rate units show; sometimes any byte.
    b.bytes[at + 2] = rand(b) < 0.8 ? pick(b, [0x10, 0x20, 0x30, 0x35]) : int(b, 256);
  }],
  [CAP_ID.PCIX, 16, (b, at) => fill(b, at + 2, at + 16)],
  [0x00, 4, (b, at) => fill(b, at + 2, at + 4)],
];
const MORE_EXTENDED: readonly [number, number, (b: Builder, at: number) => void][] = [
  [EXT_CAP_ID.REBAR, 0x34, (b, at) => rebarBody(b, at)],
  [EXT_CAP_ID.VF_REBAR, 0x34, (b, at) => rebarBody(b, at)],
  [EXT_CAP_ID.TPH, 0x0c, (b, at) => fill(b, at + 4, at + 0x0c)],
  [EXT_CAP_ID.PTM, 0x0c, (b, at) => {
    fill(b, at + 4, at + 0x0c);
    // Granularity 0 and 255 are named, not counted in ns.
    b.bytes[at + 5] = pick(b, [0, 0xff, int(b, 256)]);
    b.bytes[at + 9] = pick(b, [0, 0xff, int(b, 256)]);
  }],
  [EXT_CAP_ID.RCEC, 0x0c, (b, at) => {
    fill(b, at + 4, at + 0x0c);
    put(b, at + 4, 4, pick(b, [0, 0xffffffff, 1, 0x80000000, Math.floor(rand(b) * 2 ** 32)]));
  }],
  [EXT_CAP_ID.DVSEC, 0x40, (b, at) => {
    fill(b, at + 4, at + 0x40);
    // CXL's vendor ID, mostly with an ID irqscope decodes; lengths either side of 16, of the port extensions' 0x28 and of the device's 0x38.
    if (rand(b) < 0.7) put(b, at + 4, 2, 0x1e98);
    if (rand(b) < 0.8) put(b, at + 8, 2, pick(b, [0, 1, 2, 3, 4, 5, 7, 8, 9, 0x0a, 0xff, int(b, 0x10000)]));
    if (rand(b) < 0.7) put(b, at + 6, 2, (b.bytes[at + 6]! & 0x0f) | (pick(b, [0, 15, 16, 36, 40, 56, 60, 64, 0x200, 0xf00]) << 4));
    const cxl = b.bytes[at + 4] === 0x98 && b.bytes[at + 5] === 0x1e;
    const id = b.bytes[at + 8]! | (b.bytes[at + 9]! << 8);
    const rev = b.bytes[at + 6]! & 0x0f;
    const length = (b.bytes[at + 6]! >> 4) | (b.bytes[at + 7]! << 4);
    if (cxl && CXL_UNDECODED_IDS.includes(id)) put(b, at + 8, 2, 1);
    // pciutils 3.9 aborts ("Accessing non-read configuration byte") on a function map DVSEC shorter than its eight maps,
    // and on a Flex Bus DVSEC too short for what its revision has (FBModTS from 1, the second register set from 2).
    const short = (id === 2 && length < 0x2c) || (id === 7 && ((rev === 1 && length < 0x14) || (rev >= 2 && length < 0x20)));
    if (cxl && short && length >= 16) put(b, at + 6, 2, (b.bytes[at + 6]! & 0x0f) | (0x40 << 4));
    // pciutils 3.9 indexes its tables with a CXL device range's raw type, class and interleave, and prints (or crashes on)
    // what lies past them: keep them in range (type, class 0-2; interleave 0-7).
    // An MLD's count, mostly 1-16 (lspci prints nothing for the reserved rest).
    if (cxl && id === 9 && rand(b) < 0.7) put(b, at + 0x0a, 2, int(b, 18));
    if (cxl && id === 0) {
      for (const flags of [at + 0x1c, at + 0x2c]) {
        b.bytes[flags] = (b.bytes[flags]! & 0x03) | (int(b, 3) << 2) | (int(b, 3) << 5);
        b.bytes[flags + 1] = (b.bytes[flags + 1]! & 0xe0) | int(b, 8);
      }
    }
  }],
  [0x2a, 8, () => undefined],
  [0x2c, 8, () => undefined],
];

const VENDORS = [0x1af4, 0x8086, 0x10de, 0x1b36, 0x15b3, 0x1234];

/** One 4 KiB config space: a type 0 or type 1 header, a chain of standard capabilities and one of extended ones. */
export function randomConfig(rand: () => number): Uint8Array {
  const b: Builder = { bytes: new Uint8Array(4096), rand };
  const bridge = rand() < 0.35;
  fill(b, 0, 0x40);
  put(b, 0x00, 2, pick(b, VENDORS));
  put(b, 0x02, 2, pick(b, [0x1000, 0x1041, 0x10d3, 0x0010, 0x1450, int(b, 0x10000)]));
  b.bytes[0x0e] = (bridge ? 1 : 0) | (int(b, 2) << 7);
  if (bridge) put(b, 0x0a, 2, 0x0604);
  else if (rand() < 0.5) put(b, 0x0a, 2, pick(b, [0x0200, 0x0108, 0x0c03, 0x0300, 0x0604, 0x1234]));
  b.bytes[0x06] = b.bytes[0x06]! | 0x10;
  b.bytes[0x0f] = 0;
  // lspci prints the pin as the byte 'A' + pin - 1, which is not UTF-8 from 0x80 up.
  b.bytes[0x3d] = rand() < 0.5 ? int(b, 5) : pick(b, [int(b, 0x3f), 0xc0 + int(b, 0x40)]);
  if (bridge) {
    // Windows: mostly well-typed, sometimes not, as lspci's checks allow for.
    b.bytes[0x1c] = (b.bytes[0x1c]! & 0xf0) | (rand() < 0.9 ? int(b, 2) : int(b, 16));
    b.bytes[0x1d] = (b.bytes[0x1d]! & 0xf0) | (rand() < 0.9 ? b.bytes[0x1c]! & 0xf : int(b, 16));
    b.bytes[0x20] = b.bytes[0x20]! & (rand() < 0.9 ? 0xf0 : 0xff);
    b.bytes[0x22] = (b.bytes[0x22]! & 0xf0) | (b.bytes[0x20]! & 0xf);
    b.bytes[0x24] = (b.bytes[0x24]! & 0xf0) | (rand() < 0.9 ? int(b, 2) : int(b, 16));
    b.bytes[0x26] = (b.bytes[0x26]! & 0xf0) | (b.bytes[0x24]! & 0xf);
    if (rand() < 0.5) put(b, 0x28, 8, 0);
  }
  const standard = [...STANDARD].sort(() => rand() - 0.5).slice(0, 2 + int(b, 5));
  if (!standard.some(([id]) => id === CAP_ID.EXP) && rand() < 0.8) standard.push(STANDARD.find(([id]) => id === CAP_ID.EXP)!);
  let seed = 0;
  for (let i = 0; i < 0x40; i++) seed = (Math.imul(seed, 31) + b.bytes[i]!) >>> 0;
  const more: Builder = { bytes: b.bytes, rand: prng(seed) };
  const withMore = <T>(items: readonly T[], count: number): [T, Builder][] => [...items].sort(() => more.rand() - 0.5).slice(0, count).map((item) => [item, more]);
  const standardAll: [(typeof STANDARD)[number], Builder][] = [...standard.map((item): [(typeof STANDARD)[number], Builder] => [item, b]), ...withMore(MORE_STANDARD, int(more, 3))];
  let at = 0x40;
  let link = 0x34;
  for (const [[id, length, body], builder] of standardAll) {
    if (at + length > 0x100) break;
    b.bytes[link] = at;
    b.bytes[at] = id;
    b.bytes[at + 1] = 0;
    body(builder, at);
    link = at + 1;
    at = (at + length + 3) & ~3;
  }
  const extended: [(typeof EXTENDED)[number], Builder][] = [...[...EXTENDED].sort(() => rand() - 0.5).slice(0, 1 + int(b, 6)).map((item): [(typeof EXTENDED)[number], Builder] => [item, b]), ...withMore(MORE_EXTENDED, int(more, 4))];
  let ext = 0x100;
  let previous = -1;
  for (const [[id, length, body], builder] of extended) {
    if (previous >= 0) put(b, previous, 4, (b.bytes[previous]! | (b.bytes[previous + 1]! << 8) | (b.bytes[previous + 2]! << 16)) + ext * 0x100000);
    put(b, ext, 4, id | (int(builder, 3) << 16));
    body(builder, ext);
    previous = ext;
    ext = (ext + length + 0x3f) & ~0x3f;
  }
  return b.bytes;
}

// Hand-built config spaces for the capabilities only a few real machines have
// (AGP, PCI-X, Resizable BARs, TPH, PTM, the event collector's association,
// DVSEC): each with field values chosen to set and clear every bit lspci
// decodes, and the edge cases its wording changes on (sizes past 8 EB, entry
// counts out of specification, granularities 0 and 255, a CXL DVSEC too short
// or too long for the space).
import { CAP_ID, EXT_CAP_ID } from '../../src-shared/registers/capability-layouts';
import { HEADER_TYPE } from '../../src-shared/pci-text/config-decode';

/** A capability's bytes after its ID and next pointer (standard) or its 4-byte header (extended), as hex. */
type Body = string;
interface Spec {
  header?: number;
  standard: [id: number, body: Body][];
  extended?: [id: number, version: number, body: Body][];
}

const EXPRESS: [number, Body] = [CAP_ID.EXP, '0200 00000000 00000000 00000000'];

const SPECS: Spec[] = [
  // AGP 3.0 in AGP3 mode (x4 x8 x16), 2.0 (x1 x2 x4), 3.0 without the AGP3 bit, no rates at all; PCI-X with every field off and on.
  { standard: [[CAP_ID.AGP, '3000 1f3f0007 2a3f0004 00000000'], [CAP_ID.PCIX, '0300 ff12fe5f'], [CAP_ID.AGP, '2000 1b3f0307 2a3f0304 00000000'], [CAP_ID.AGP, '3000 13c00000 00000000'], [CAP_ID.PCIX, '7c00 00000000']] },
  { standard: [[CAP_ID.AGP, '1500 00000000 ffffffff'], [CAP_ID.PCIX, '0000 ffffffff'], [CAP_ID.PCIX, 'f0ff 0700e0a0']] },
  // PCI-X bridges: all set, all clear, each secondary clock frequency.
  { header: HEADER_TYPE.BRIDGE, standard: [[CAP_ID.PCIX, 'ffff 12345678 11112222 33334444'], [CAP_ID.PCIX, '8000 00000000 00000000 ffffffff'], [CAP_ID.PCIX, '4000 00000000'], [CAP_ID.PCIX, 'c000 00000000']] },
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.REBAR, 1, 'f0ff0000 4125000a 00100000 00020005'],
      [EXT_CAP_ID.VF_REBAR, 1, '10000000 00010000'],
      [EXT_CAP_ID.REBAR, 1, 'f0000080 6d3f0000 10000000 05010000 20000000 0b080000 ffffffff 00010000'],
      [EXT_CAP_ID.REBAR, 1, '10000000 c0000000'],
      [EXT_CAP_ID.REBAR, 1, '10000000 05010000'],
      [EXT_CAP_ID.VF_REBAR, 1, '10000000 e0000000'],
      [EXT_CAP_ID.REBAR, 1, '00000000 c6140000 00000000 071f0000 00000000 06200000 00000000 00280000 00000000 002b0000 00000000 00300000'],
      [EXT_CAP_ID.REBAR, 1, '00000000 20000100 00000000 00000000'],
      [EXT_CAP_ID.VF_REBAR, 1, 'ffffffff 3f20ffff'],
    ],
  },
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.TPH, 1, '07060000 00000000'], [EXT_CAP_ID.TPH, 1, '00020000'], [EXT_CAP_ID.TPH, 1, '00040000'], [EXT_CAP_ID.TPH, 1, '06010000'], [EXT_CAP_ID.TPH, 1, '00000000'],
      [EXT_CAP_ID.PTM, 1, '07ff0000 03100000'], [EXT_CAP_ID.PTM, 1, '00000000 00000000'], [EXT_CAP_ID.PTM, 1, '00010000 00fe0000'], [EXT_CAP_ID.PTM, 1, '00ff0000 00ff0000'], [EXT_CAP_ID.PTM, 1, '05fe0000 02010000'],
    ],
  },
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.RCEC, 2, '0f0f0080 00120300'], [EXT_CAP_ID.RCEC, 1, '00000000 00120300'], [EXT_CAP_ID.RCEC, 2, '00000000 00ab3400'], [EXT_CAP_ID.RCEC, 1, '01000000'],
      [EXT_CAP_ID.RCEC, 1, 'ffffffff'], [EXT_CAP_ID.RCEC, 3, '5555aaaa 00ffff00'], [EXT_CAP_ID.RCEC, 1, '06000040'],
    ],
  },
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.DVSEC, 1, '34120110 0500'], [EXT_CAP_ID.DVSEC, 1, '981e0100 0100'], [EXT_CAP_ID.DVSEC, 1, '981ef100 0100'], [EXT_CAP_ID.DVSEC, 1, '981e0101 0100'],
      [EXT_CAP_ID.DVSEC, 1, '981e0181 0100'], [EXT_CAP_ID.DVSEC, 1, '981e0104 0600'], [EXT_CAP_ID.DVSEC, 1, '981e0104 0a00'], [EXT_CAP_ID.DVSEC, 1, '981e0104 ffff'],
      [EXT_CAP_ID.DVSEC, 15, 'ffff0fff 3412'], [EXT_CAP_ID.DVSEC, 1, '981e00f0 0100'],
    ],
  },
  // CXL function map, port extensions (long enough, too short), GPF for ports (every time scale) and devices.
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.DVSEC, 1, `981e0104 0200 0000 ${'0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627 28292a2b'}`],
      [EXT_CAP_ID.DVSEC, 1, '981e0104 0300 0b0a 0d0c 0e0f 10111213'], [EXT_CAP_ID.DVSEC, 1, '981e0104 0300 0200 ff40 ffff ffffffff'],
      [EXT_CAP_ID.DVSEC, 1, '981e0104 0300 0000 0000 0000 00000000'], [EXT_CAP_ID.DVSEC, 1, '981e4102 0300 0200 ffff'],
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 0xf].map((scale): [number, number, string] => [EXT_CAP_ID.DVSEC, 1, `981e0101 0400 0000 05${scale.toString(16).padStart(2, '0')} 03${((scale + 3) & 0xf).toString(16).padStart(2, '0')}`]),
      [EXT_CAP_ID.DVSEC, 1, '981e0104 0500 0703 ffffffff'],
      [EXT_CAP_ID.DVSEC, 1, `981e0104 0700 ${'0a0b 0c0d 0e0f 10111213'}`], [EXT_CAP_ID.DVSEC, 1, '981e0104 0700 ffff ffff ffff ffffffff'], [EXT_CAP_ID.DVSEC, 1, '981e4101 0700 0000 0000 0000 00000000'],
      [EXT_CAP_ID.DVSEC, 1, `981e0104 0800 0a0b ${'0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637 38393a3b'}`],
      [EXT_CAP_ID.DVSEC, 1, '981e0104 0800 0000 00000000 00000000 01010000 00000000 02020000 01000000 03030000 00000000 04040000 00000000 05ff0000 ffffffff'],
      [EXT_CAP_ID.DVSEC, 1, '981e8102 0800 0000 04000000 00000000 01ff0000 00000000 02020000 01000000'], [EXT_CAP_ID.DVSEC, 1, '981e0101 0500 090c 0c0d0e0f'], [EXT_CAP_ID.DVSEC, 1, '981e0101 0500 0000 00000000'],
    ],
  },
  // CXL devices: every revision (0 prints nothing), lengths short, exact and long, each cache size unit, each range type, class, interleave and timeout.
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.DVSEC, 1, '981e8103 0000 ffff ffff ffff ffff ffff ffff 020a ffffffff 4be700f0 ffffffff 000000f0 00000001 09000010 00000000 00000000'],
      [EXT_CAP_ID.DVSEC, 1, `981e8103 0000 ${'0000 '.repeat(7)}${'00000000 '.repeat(8)}`],
      [EXT_CAP_ID.DVSEC, 1, `981e8003 0000 ${'ffff '.repeat(7)}${'00000000 '.repeat(8)}`], [EXT_CAP_ID.DVSEC, 1, `981e0103 0000 ${'ffff '.repeat(7)}${'00000000 '.repeat(6)}`],
      [EXT_CAP_ID.DVSEC, 1, `981e0104 0000 ${'0000 '.repeat(6)}ff0f ${'00000000 '.repeat(8)}00000000`], [EXT_CAP_ID.DVSEC, 1, `981ec203 0000 ${'0000 '.repeat(6)}0303 ${'00000000 '.repeat(8)}ffff`],
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i): [number, number, string] => {
        const flags = (n: number) => (n & 3) | ((n % 3) << 2) | (((n + 1) % 3) << 5) | (n << 8) | ((7 - n) << 13);
        const le = (v: number) => Buffer.from(Uint32Array.of(v >>> 0).buffer).toString('hex');
        const word = (v: number) => le(v).slice(0, 4);
        const rev = 1 + (i % 3);
        return [EXT_CAP_ID.DVSEC, 1, `981e8${rev}03 0000 ${word(0x1111 << (i % 4))} ${word(0x0683 + (i << 3))} ${word(i & 1 ? 0x4000 : 0xbfff)} 0000 ${word(1 << (i * 2))} 0000 ${word(((i * 37) << 8) | [0, 1, 2, 3, 15][i % 5]!)} ${le(i * 0x1000)} ${le(0x10000000 * i + flags(i))} ${le(0x00400000 * i)} ${le(0xf0000000 - 0x10000000 * i)} 00000000 ${le(0x10000000 * (7 - i) + flags(7 - i))} ${le(0xffffffff - i)} ${le(0x10000000 * i)}`];
      }),
    ],
  },
  // Flex Bus ports of revision 0 (refused), 2, 3 and 15: every flit bit, the second register set, a DVSEC longer than revision 2's.
  {
    standard: [EXPRESS],
    extended: [
      [EXT_CAP_ID.DVSEC, 1, '981e0202 0700 ffff ffff ffff ffffffff ffffffff ffffffff ffffffff'], [EXT_CAP_ID.DVSEC, 1, '981e0202 0700 0000 0000 0000 00000000 00000000 00000000 00000000'],
      [EXT_CAP_ID.DVSEC, 1, '981e0302 0700 0540 1280 a000 563412ff 01000000 02000000 03000000'], [EXT_CAP_ID.DVSEC, 1, '981e0202 0700 0020 0020 0020 00000000 feffffff 01000000 02000000'],
      [EXT_CAP_ID.DVSEC, 1, '981e0202 0700 0040 0040 0040 00000000 00000000 fffffffe fcffffff'], [EXT_CAP_ID.DVSEC, 1, '981e0202 0700 ff9f ff9f ff9f 00000000 00000000 00000000 00000000'],
      [EXT_CAP_ID.DVSEC, 1, '981e0001 0700 ffff ffff ffff'], [EXT_CAP_ID.DVSEC, 1, '981e0002 0700 ffff ffff ffff ffffffff ffffffff ffffffff ffffffff'],
      [EXT_CAP_ID.DVSEC, 1, '981e0f02 0700 1234 5678 9abc def01234 01000000 00000000 01000000'], [EXT_CAP_ID.DVSEC, 1, '981e4202 0700 ffff 0000 ffff 00000000 01000000 01000000 01000000 ffffffff'],
      [EXT_CAP_ID.DVSEC, 1, '981e0102 0700 ffff ffff ffff ffffffff ffffffff ffffffff ffffffff'],
      // MLD: counts 0, 1, 16 (the last one named), 17 and all ones; revision 0 too.
      ...[0, 1, 16, 17, 0xffff].map((n): [number, number, string] => [EXT_CAP_ID.DVSEC, 1, `981e0101 0900 ${Buffer.from(Uint16Array.of(n).buffer).toString('hex')} 0000`]),
      [EXT_CAP_ID.DVSEC, 1, '981e0001 0900 0300 0000'],
    ],
  },
];

function put(bytes: Uint8Array, at: number, size: number, value: number): void {
  for (let i = 0; i < size; i++) bytes[at + i] = Math.floor(value / 256 ** i) & 0xff;
}
const bytesOf = (body: Body) => Buffer.from(body.replace(/ /g, ''), 'hex');

function configOf(spec: Spec): Uint8Array {
  const b = new Uint8Array(4096);
  put(b, 0x00, 2, 0x8086);
  put(b, 0x02, 2, 0x1234);
  b[0x06] = 0x10;
  b[0x0e] = spec.header ?? HEADER_TYPE.NORMAL;
  if (spec.header === HEADER_TYPE.BRIDGE) put(b, 0x0a, 2, 0x0604);
  let at = 0x40;
  let link = 0x34;
  for (const [id, body] of spec.standard) {
    const bytes = bytesOf(body);
    b[link] = at;
    b[at] = id;
    b.set(bytes, at + 2);
    link = at + 1;
    at = (at + 2 + bytes.length + 3) & ~3;
  }
  let ext = 0x100;
  let previous = -1;
  for (const [id, version, body] of spec.extended ?? []) {
    const bytes = bytesOf(body);
    if (previous >= 0) put(b, previous + 2, 2, (b[previous + 2]! | (b[previous + 3]! << 8)) + (ext << 4));
    put(b, ext, 4, id | (version << 16));
    b.set(bytes, ext + 4);
    previous = ext;
    ext = (ext + 4 + bytes.length + 0x3f) & ~0x3f;
  }
  return b;
}

/** The synthetic devices, on bus 0x7e so they cannot clash with a preset's. */
export function syntheticDevices(): { bdf: string; config: Uint8Array; barSizes: [] }[] {
  return SPECS.map((spec, i) => ({ bdf: `7e:${i.toString(16).padStart(2, '0')}.0`, config: configOf(spec), barSizes: [] }));
}

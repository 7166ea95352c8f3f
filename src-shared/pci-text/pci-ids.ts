// The PCI ID database (pci.ids, as Debian's pci.ids package installs it) and
// the names lspci builds from it. The file is line-based: vendors at column 0,
// their devices one tab in, subsystems two tabs in; `C xx` starts a class with
// subclasses and programming interfaces indented the same way. Lines that fit
// none of this are counted, not guessed at.
import { hex } from './hex';

export interface PciIds {
  /**
   * Whether names missing from pci.ids are looked up in udev's hardware
   * database too, as Debian's lspci does. Its device pattern (`pci:vVVVVdDDDD*`)
   * matches every subsystem of the device, so an unknown subsystem takes the device's name.
   */
  readonly hwdb: boolean;
  vendor(vendor: number): string | undefined;
  device(vendor: number, device: number): string | undefined;
  subsystem(vendor: number, device: number, subVendor: number, subDevice: number): string | undefined;
  /** Base class << 8 | subclass. */
  subclass(classDevice: number): string | undefined;
  baseClass(base: number): string | undefined;
  progIf(classDevice: number, progIf: number): string | undefined;
}

export interface ParsedPciIds {
  ids: PciIds;
  /** Lines that were not comments, blank, or an entry (1-based numbers, the first few). */
  badLines: number[];
  badLineCount: number;
}

const ENTRY = /^([0-9a-fA-F]{2,4})  (.+)$/;
const SUBSYSTEM = /^([0-9a-fA-F]{4}) ([0-9a-fA-F]{4})  (.+)$/;
const CLASS = /^C ([0-9a-fA-F]{2})  (.+)$/;
const MAX_LISTED_BAD = 10;

export function parsePciIds(text: string): ParsedPciIds {
  const names = new Map<string, string>();
  const badLines: number[] = [];
  let badLineCount = 0;
  let vendor: number | undefined;
  let device: number | undefined;
  let cls: number | undefined;
  let subclass: number | undefined;
  const bad = (n: number) => {
    badLineCount++;
    if (badLines.length < MAX_LISTED_BAD) badLines.push(n);
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) return;
    const depth = line.startsWith('\t\t') ? 2 : line.startsWith('\t') ? 1 : 0;
    const body = line.slice(depth);
    if (depth === 0) {
      const c = CLASS.exec(body);
      const v = c ? null : ENTRY.exec(body);
      vendor = device = cls = subclass = undefined;
      if (c) {
        cls = Number.parseInt(c[1]!, 16);
        names.set(`c${cls}`, c[2]!);
      } else if (v && v[1]!.length === 4) {
        vendor = Number.parseInt(v[1]!, 16);
        names.set(`v${vendor}`, v[2]!);
      } else if (/^[A-Z] /.test(body)) {
        // Other top-level lists (device types of other buses, languages) end the vendor list's scope.
      } else bad(i + 1);
      return;
    }
    if (depth === 1) {
      const e = ENTRY.exec(body);
      if (!e) return bad(i + 1);
      const id = Number.parseInt(e[1]!, 16);
      if (vendor !== undefined && e[1]!.length === 4) {
        device = id;
        names.set(`d${vendor}:${id}`, e[2]!);
      } else if (cls !== undefined && e[1]!.length === 2) {
        subclass = id;
        names.set(`s${cls}:${id}`, e[2]!);
      } else if (vendor === undefined && cls === undefined) return;
      else bad(i + 1);
      return;
    }
    const s = SUBSYSTEM.exec(body);
    const p = s ? null : ENTRY.exec(body);
    if (s && vendor !== undefined && device !== undefined) names.set(`S${vendor}:${device}:${Number.parseInt(s[1]!, 16)}:${Number.parseInt(s[2]!, 16)}`, s[3]!);
    else if (p && cls !== undefined && subclass !== undefined && p[1]!.length === 2) names.set(`p${cls}:${subclass}:${Number.parseInt(p[1]!, 16)}`, p[2]!);
    else if (vendor !== undefined || cls !== undefined) bad(i + 1);
  });
  return {
    ids: {
      hwdb: false,
      vendor: (v) => names.get(`v${v}`),
      device: (v, d) => names.get(`d${v}:${d}`),
      subsystem: (v, d, sv, sd) => names.get(`S${v}:${d}:${sv}:${sd}`),
      subclass: (c) => names.get(`s${c >> 8}:${c & 0xff}`),
      baseClass: (b) => names.get(`c${b}`),
      progIf: (c, p) => names.get(`p${c >> 8}:${c & 0xff}:${p}`),
    },
    badLines,
    badLineCount,
  };
}

/** `Vendor Device`, `Vendor Device dddd` or `Device vvvv:dddd`, as lspci names a function. */
export function deviceName(ids: PciIds, vendor: number, device: number): string {
  const v = ids.vendor(vendor);
  const d = ids.device(vendor, device);
  if (v && d) return `${v} ${d}`;
  if (!v) return `Device ${hex(vendor, 4)}:${hex(device, 4)}`;
  return `${v} Device ${hex(device, 4)}`;
}

const HWDB_ENTRY = /^pci:v([0-9A-F]{8})(?:d([0-9A-F]{8})(?:sv([0-9A-F]{8})sd([0-9A-F]{8}))?)?\*$/;

/**
 * udev's PCI hardware database in its source form (hwdb.d/20-pci-vendor-model.hwdb):
 * a `pci:v…*` match line, then ` ID_VENDOR_FROM_DATABASE=` or ` ID_MODEL_FROM_DATABASE=`.
 */
export function parseHwdbPci(text: string): Map<string, string> {
  const names = new Map<string, string>();
  let key: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = HWDB_ENTRY.exec(line);
    if (m) {
      const [v, d, sv, sd] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number.parseInt(x, 16)));
      key = d === undefined ? `v${v}` : sv === undefined ? `d${v}:${d}` : `S${v}:${d}:${sv}:${sd}`;
      continue;
    }
    const value = /^ ID_(?:VENDOR|MODEL)_FROM_DATABASE=(.*)$/.exec(line);
    if (value && key !== undefined) names.set(key, value[1]!);
    else if (line.trim() === '') key = undefined;
  }
  return names;
}

/** pci.ids first, then the hardware database for what it lacks, as lspci asks them. */
export function withHwdb(ids: PciIds, hwdb: Map<string, string>): PciIds {
  return {
    ...ids,
    hwdb: true,
    vendor: (v) => ids.vendor(v) ?? hwdb.get(`v${v}`),
    device: (v, d) => ids.device(v, d) ?? hwdb.get(`d${v}:${d}`),
    subsystem: (v, d, sv, sd) => ids.subsystem(v, d, sv, sd) ?? hwdb.get(`S${v}:${d}:${sv}:${sd}`),
  };
}

/**
 * lspci's Subsystem name: the subsystem entry; else, with the hardware database,
 * the device's own name (its device pattern matches any subsystem); without it,
 * the device's name only when the subsystem IDs repeat the device's.
 */
export function subsystemName(ids: PciIds, vendor: number, device: number, subVendor: number, subDevice: number): string {
  const v = ids.vendor(subVendor);
  const sameIds = vendor === subVendor && device === subDevice;
  const d = ids.subsystem(vendor, device, subVendor, subDevice) ?? (ids.hwdb || sameIds ? ids.device(vendor, device) : undefined);
  if (v && d) return `${v} ${d}`;
  if (!v) return `Device ${hex(subVendor, 4)}:${hex(subDevice, 4)}`;
  return `${v} Device ${hex(subDevice, 4)}`;
}

export function classNameFromIds(ids: PciIds, classDevice: number): string {
  const sub = ids.subclass(classDevice);
  if (sub) return sub;
  const base = ids.baseClass(classDevice >> 8);
  return base ? `${base} [${hex(classDevice, 4)}]` : `Class ${hex(classDevice, 4)}`;
}

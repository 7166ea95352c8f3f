// The PCI ID database (pci.ids, as Debian's pci.ids package installs it) and
// the names lspci builds from it. The file is line-based: vendors at column 0,
// their devices one tab in, subsystems two tabs in; `C xx` starts a class with
// subclasses and programming interfaces indented the same way. lspci needs a
// handful of names, so entries are found in the text when asked for (and
// remembered) instead of parsing 30,000 lines up front.
import { hex } from './hex';

export interface PciIds {
  vendor(vendor: number): string | undefined;
  device(vendor: number, device: number): string | undefined;
  subsystem(vendor: number, device: number, subVendor: number, subDevice: number): string | undefined;
  /** Base class << 8 | subclass. */
  subclass(classDevice: number): string | undefined;
  baseClass(base: number): string | undefined;
  progIf(classDevice: number, progIf: number): string | undefined;
}

/** The lines of the block under the top-level line starting `head` (from its own line on), up to the next top-level line. */
function section(text: string, head: string): string[] | undefined {
  const at = text.startsWith(head) ? 0 : text.indexOf(`\n${head}`) + 1;
  if (at <= 0 && !text.startsWith(head)) return undefined;
  const lines: string[] = [];
  for (let from = at; from < text.length; ) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const line = text.slice(from, to).replace(/\r$/, '');
    if (lines.length > 0 && line !== '' && !line.startsWith('\t') && !line.startsWith('#')) break;
    lines.push(line);
    from = to + 1;
  }
  return lines;
}

/** The name after `id  ` in the first of `lines` that starts with `prefix + id`, within the block of a parent line. */
function child(lines: readonly string[], prefix: string, id: string): { name: string; index: number } | undefined {
  const head = `${prefix}${id}  `;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(head)) return { name: line.slice(head.length), index: i };
  }
  return undefined;
}

/** The lines nested under `lines[index]` (one more tab). */
function nested(lines: readonly string[], index: number, depth: number): string[] {
  const out = [lines[index]!];
  const tabs = '\t'.repeat(depth + 1);
  for (let i = index + 1; i < lines.length && (lines[i]!.startsWith(tabs) || lines[i]!.startsWith('#')); i++) out.push(lines[i]!);
  return out;
}

function memo<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
}

const h4 = (n: number) => hex(n, 4);
const h2 = (n: number) => hex(n, 2);

export function pciIdsFromText(text: string): PciIds {
  const vendorBlock = memo((v: number) => section(text, `${h4(v)}  `));
  const deviceBlock = memo((key: string) => {
    const [v, d] = key.split(':').map(Number) as [number, number];
    const block = vendorBlock(v);
    const found = block && child(block, '\t', h4(d));
    return found ? { name: found.name, lines: nested(block, found.index, 1) } : undefined;
  });
  const classBlock = memo((c: number) => section(text, `C ${h2(c)}  `));
  const subclassBlock = memo((cd: number) => {
    const block = classBlock(cd >> 8);
    const found = block && child(block, '\t', h2(cd & 0xff));
    return found ? { name: found.name, lines: nested(block, found.index, 1) } : undefined;
  });
  return {
    vendor: (v) => vendorBlock(v)?.[0]?.slice(6),
    device: (v, d) => deviceBlock(`${v}:${d}`)?.name,
    subsystem: (v, d, sv, sd) => {
      const block = deviceBlock(`${v}:${d}`);
      return block ? child(block.lines, '\t\t', `${h4(sv)} ${h4(sd)}`)?.name : undefined;
    },
    subclass: (cd) => subclassBlock(cd)?.name,
    baseClass: (c) => classBlock(c)?.[0]?.slice(6),
    progIf: (cd, p) => {
      const block = subclassBlock(cd);
      return block ? child(block.lines, '\t\t', h2(p))?.name : undefined;
    },
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

/**
 * udev's PCI hardware database in its source form (hwdb.d/20-pci-vendor-model.hwdb):
 * a `pci:v…*` match line, then ` ID_VENDOR_FROM_DATABASE=` or ` ID_MODEL_FROM_DATABASE=`.
 */
function hwdbLookup(text: string, match: string): string | undefined {
  const at = text.indexOf(`\n${match}\n`);
  if (at < 0) return undefined;
  const line = text.slice(at + match.length + 2, text.indexOf('\n', at + match.length + 2) >>> 0);
  const value = /^ ID_(?:VENDOR|MODEL)_FROM_DATABASE=(.*?)\r?$/.exec(line);
  return value?.[1];
}

const H8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/** pci.ids first, then the hardware database for what it lacks, as lspci asks them. */
export function withHwdb(ids: PciIds, hwdbText: string): PciIds {
  const text = `\n${hwdbText}`;
  const look = memo((match: string) => hwdbLookup(text, match));
  return {
    ...ids,
    vendor: (v) => ids.vendor(v) ?? look(`pci:v${H8(v)}*`),
    device: (v, d) => ids.device(v, d) ?? look(`pci:v${H8(v)}d${H8(d)}*`),
    // udev matches the subsystem's modalias against every pattern: without an entry of its own, the device's entry answers.
    subsystem: (v, d, sv, sd) => ids.subsystem(v, d, sv, sd) ?? look(`pci:v${H8(v)}d${H8(d)}sv${H8(sv)}sd${H8(sd)}*`) ?? look(`pci:v${H8(v)}d${H8(d)}*`),
  };
}

/**
 * lspci's Subsystem name: the subsystem entry (with the hardware database, the
 * database's device entry counts: its pattern matches any subsystem); else the
 * device's name when the subsystem IDs repeat the device's.
 */
export function subsystemName(ids: PciIds, vendor: number, device: number, subVendor: number, subDevice: number): string {
  const v = ids.vendor(subVendor);
  const sameIds = vendor === subVendor && device === subDevice;
  const d = ids.subsystem(vendor, device, subVendor, subDevice) ?? (sameIds ? ids.device(vendor, device) : undefined);
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

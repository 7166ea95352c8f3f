// The QEMU command lines that libqtest and QEMU's Python QEMUQtestMachine pass, read
// into what irqscope needs: where the qtest and QMP peers listen, and a machine
// description built from the presets for the -device options. Anything irqscope does
// not model is a clear error naming the option, never silently ignored.
import type { MachineDescriptionInput } from '../../src-shared/machine-file/description';
import { UsageError } from './cli-io';

/** A chardev irqscope can be: the client end of a unix socket a harness listens on, or an inherited fd. */
export type Peer = { kind: 'unix'; path: string } | { kind: 'fd'; fd: number };

export interface QemuCommandLine {
  qtest: Peer;
  qmp: Peer | null;
  /** Starts paused (-S): QMP's query-status answers "prelaunch" until cont. */
  startPaused: boolean;
  machine: MachineDescriptionInput;
}

type PresetDevice = NonNullable<MachineDescriptionInput['devices']>[number];
export type PresetReader = (name: string) => MachineDescriptionInput;

/** `key=value,key=value` after a leading word (QEMU's option syntax, without escaping). */
function optionList(text: string): { head: string; props: Map<string, string> } {
  const [head = '', ...rest] = text.split(',');
  const props = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    props.set(eq < 0 ? p : p.slice(0, eq), eq < 0 ? 'on' : p.slice(eq + 1));
  }
  return { head, props };
}

/** `-qtest unix:PATH`, `unix:path=PATH`; `server` variants would make QEMU listen, which irqscope does not do here. */
function unixPeer(text: string, option: string): Peer {
  if (!text.startsWith('unix:')) throw new UsageError(`${option} ${text}: only unix:PATH sockets are supported`);
  const { head, props } = optionList(text.slice(5));
  if (props.has('server')) throw new UsageError(`${option} ${text}: irqscope connects to a listening harness; server mode is not supported`);
  const path = head.startsWith('path=') ? head.slice(5) : head;
  if (path === '') throw new UsageError(`${option} ${text}: no socket path`);
  return { kind: 'unix', path };
}

/** `-chardev socket,path=P,id=ID` or `socket,id=ID,fd=N`. */
function chardev(text: string): { id: string; peer: Peer } {
  const { head, props } = optionList(text);
  const id = props.get('id');
  if (head !== 'socket' || id === undefined) throw new UsageError(`-chardev ${text}: only socket chardevs with an id are supported`);
  if (props.has('server') && props.get('server') !== 'off') throw new UsageError(`-chardev ${text}: irqscope connects to a listening harness; server mode is not supported`);
  const path = props.get('path');
  const fd = props.get('fd');
  if (path !== undefined) return { id, peer: { kind: 'unix', path } };
  if (fd !== undefined && /^[0-9]+$/.test(fd)) return { id, peer: { kind: 'fd', fd: Number(fd) } };
  throw new UsageError(`-chardev ${text}: needs path=PATH or fd=N`);
}

/** QEMU's `addr=SLOT[.FN]` (hex), on bus 0. */
function pciAddr(text: string, option: string): { slot: number; fn: number } {
  const m = /^(?:0x)?([0-9a-fA-F]{1,2})(?:\.([0-7]))?$/.exec(text);
  const slot = m === null ? NaN : Number.parseInt(m[1]!, 16);
  if (m === null || slot > 0x1f) throw new UsageError(`${option}: addr=${text} is not a PCI slot like 02.0`);
  return { slot, fn: Number(m[2] ?? 0) };
}

const bdfText = (slot: number, fn: number): string => `00:${slot.toString(16).padStart(2, '0')}.${fn}`;

/** The preset's device for one `-device` option, or a clear error for a device irqscope has no model of. */
function presetDevice(text: string, read: PresetReader): PresetDevice {
  const { head, props } = optionList(text);
  const option = `-device ${text}`;
  const one = (preset: string): PresetDevice => structuredClone(read(preset).devices![0]!);
  if (head === 'e1000e' || head === 'nvme') return one(head);
  if (head === 'virtio-net-pci') {
    const device = one('virtio-net');
    const vectors = props.get('vectors');
    if (vectors === undefined) return device;
    if (!/^[0-9]+$/.test(vectors) || Number(vectors) > 2048) throw new UsageError(`${option}: vectors=${vectors} must be a number of MSI-X vectors in 0..2048`);
    // QEMU's virtio-pci puts the table and PBA in a BAR of their own (BAR1), sized to fit.
    device.bars = (device.bars ?? []).filter((b) => b.index !== 1);
    if (Number(vectors) === 0) delete device.msix;
    else device.msix = { vectors: Number(vectors), capOffset: device.msix?.capOffset, exclusiveBar: 1, used: 'all' };
    return device;
  }
  throw new UsageError(`${option}: irqscope has no model of '${head}' (it maps e1000e, virtio-net-pci[,vectors=N] and nvme onto its presets)`);
}

/** Options that change nothing a qtest client of irqscope can see. */
const IGNORED_WITH_VALUE = new Set(['-display', '-vga', '-name', '-qtest-log', '-audio', '-netdev', '-drive', '-serial', '-monitor', '-global']);
const IGNORED_FLAGS = new Set(['-nodefaults', '-nographic', '-no-shutdown', '-no-reboot']);

export function parseQemuCommandLine(argv: string[], read: PresetReader): QemuCommandLine {
  let qtest: Peer | null = null;
  let qmp: Peer | null = null;
  let monitor: string | null = null;
  let startPaused = false;
  const chardevs = new Map<string, Peer>();
  const devices: { text: string; addr: { slot: number; fn: number } | null }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const option = argv[i]!.replace(/^--/, '-');
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${option} needs a value`);
      return v;
    };
    if (option === '-S') startPaused = true;
    else if (IGNORED_FLAGS.has(option)) continue;
    else if (IGNORED_WITH_VALUE.has(option)) value();
    else if (option === '-qtest') qtest = unixPeer(value(), option);
    else if (option === '-qmp') qmp = unixPeer(value(), option);
    else if (option === '-chardev') {
      const c = chardev(value());
      chardevs.set(c.id, c.peer);
    } else if (option === '-mon') {
      const { props } = optionList(`mon,${value()}`);
      if (props.get('mode') !== 'control') throw new UsageError(`-mon: only mode=control (QMP) is supported`);
      monitor = props.get('chardev') ?? null;
    } else if (option === '-machine' || option === '-M') {
      const m = optionList(value());
      if (m.head !== 'q35' && m.head !== 'pc-q35-7.2') throw new UsageError(`${option} ${m.head}: irqscope models only q35`);
      const accel = m.props.get('accel');
      if (accel !== undefined && accel !== 'qtest' && accel !== 'tcg') throw new UsageError(`${option}: accel=${accel}: only qtest and tcg`);
    } else if (option === '-accel') {
      const a = optionList(value()).head;
      if (a !== 'qtest' && a !== 'tcg') throw new UsageError(`-accel ${a}: only qtest and tcg (irqscope's virtual clock is qtest's)`);
    } else if (option === '-device') {
      const text = value();
      const addr = optionList(text).props.get('addr');
      devices.push({ text, addr: addr === undefined ? null : pciAddr(addr, `-device ${text}`) });
    } else throw new UsageError(`${argv[i]}: not an option irqscope's QEMU drop-in understands`);
  }
  if (qtest === null) throw new UsageError('-qtest unix:PATH is required (the socket the harness listens on)');
  if (monitor !== null) {
    qmp = chardevs.get(monitor) ?? null;
    if (qmp === null) throw new UsageError(`-mon chardev=${monitor}: no -chardev with id=${monitor}`);
  }
  return { qtest, qmp, startPaused, machine: machineFor(devices, read) };
}

/** The presets' devices at the slots asked for; the others at the first free slots from 1, as q35 -nodefaults assigns them. */
function machineFor(devices: { text: string; addr: { slot: number; fn: number } | null }[], read: PresetReader): MachineDescriptionInput {
  const base = read('e1000e');
  const taken = new Set(devices.flatMap((d) => (d.addr === null ? [] : [d.addr.slot])));
  let next = 1;
  const names = new Map<string, number>();
  const out: PresetDevice[] = devices.map((d) => {
    const device = presetDevice(d.text, read);
    let addr = d.addr;
    if (addr === null) {
      while (taken.has(next)) next++;
      taken.add(next);
      addr = { slot: next, fn: 0 };
    }
    const seen = names.get(device.name) ?? 0;
    names.set(device.name, seen + 1);
    return { ...device, bdf: bdfText(addr.slot, addr.fn), name: seen === 0 ? device.name : `${device.name}-${seen}` };
  });
  return { name: 'q35 (QEMU command line)', cpus: base.cpus, ram: base.ram, devices: out };
}

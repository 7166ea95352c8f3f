// The selected function's config space (bytes and write masks), config writes,
// and the MMIO/port poke panel with its history (pokes and setpci lines).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AccessStatusName, ConfigSpaceImage, SetpciReply } from '../../src-shared/ipc/contract';
import { useStatusStore } from './status';
import { useDevicesStore } from './devices';
import { writeEffect, type WriteEffect } from '../../src-shared/registers/write-effect';

export interface PokeRequest {
  space: 'memory' | 'io';
  op: 'read' | 'write';
  address: number;
  size: 1 | 2 | 4 | 8;
  value: number;
  high: number;
  /** What the user typed, kept for the history. */
  text: string;
}

export interface PokeRecord extends PokeRequest {
  kind: 'poke';
  id: number;
  result: { value: number; high: number; status: AccessStatusName } | null;
  error: string | null;
}

export interface SetpciRecord {
  kind: 'setpci';
  id: number;
  /** What the user typed. */
  line: string;
  reply: SetpciReply | null;
  /** A refusal of the request itself (setpci's own complaints are in the reply). */
  error: string | null;
}

export type HistoryRecord = PokeRecord | SetpciRecord;

const MAX_HISTORY = 200;

export const useRegistersStore = defineStore('registers', () => {
  const status = useStatusStore();
  const devices = useDevicesStore();
  const image = ref<ConfigSpaceImage | null>(null);
  const history = ref<HistoryRecord[]>([]);
  let nextPokeId = 1;

  async function load(): Promise<void> {
    const bdf = devices.selectedBdf;
    if (bdf === null) {
      image.value = null;
      return;
    }
    const got = await status.call('readConfigSpace', { bdf });
    if (got !== undefined && got.bdf === devices.selectedBdf) image.value = got;
  }

  /**
   * A real config write through the machine; the image and device list are re-read after it.
   * Answers what took effect against what was written (null when the write was refused).
   */
  async function writeConfig(offset: number, size: 1 | 2 | 4, value: number): Promise<WriteEffect | null> {
    const bdf = devices.selectedBdf;
    if (bdf === null) return null;
    const before = read(offset, size);
    const masks = { writable: mask('writable', offset, size), w1c: mask('w1c', offset, size) };
    const done = await status.call('writeConfig', { bdf, offset, size, value });
    await Promise.all([load(), devices.refresh()]);
    return done === undefined ? null : writeEffect(before, value, done.value, masks);
  }

  function read(offset: number, size: 1 | 2 | 4): number {
    const bytes = image.value?.bytes;
    if (bytes === undefined) return 0;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes[offset + i] ?? 0);
    return v;
  }

  function mask(kind: 'writable' | 'w1c', offset: number, size: 1 | 2 | 4): number {
    const bytes = image.value?.[kind];
    if (bytes === undefined) return 0;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes[offset + i] ?? 0);
    return v;
  }

  async function poke(p: PokeRequest): Promise<PokeRecord> {
    const ioSize = p.size as 1 | 2 | 4;
    const reply =
      p.space === 'memory'
        ? p.op === 'read'
          ? await status.request('readMmio', { address: p.address, size: p.size })
          : await status.request('writeMmio', { address: p.address, size: p.size, value: p.value, ...(p.size === 8 ? { high: p.high } : {}) })
        : p.op === 'read'
          ? await status.request('readPort', { port: p.address, size: ioSize })
          : await status.request('writePort', { port: p.address, size: ioSize, value: p.value });
    const record: PokeRecord = { ...p, kind: 'poke', id: nextPokeId++, result: reply.ok ? reply.value : null, error: reply.ok ? null : reply.error };
    remember(record);
    return record;
  }

  /** A setpci line, run in main against the selected device unless it names one with -s/-d. */
  async function setpci(line: string): Promise<SetpciRecord> {
    const bdf = devices.selectedBdf;
    const reply = await status.request('setpci', bdf === null ? { line } : { line, bdf });
    const record: SetpciRecord = { kind: 'setpci', id: nextPokeId++, line, reply: reply.ok ? reply.value : null, error: reply.ok ? null : reply.error };
    remember(record);
    // setpci may have written config registers, of this device or another.
    if (reply.ok) await Promise.all([load(), devices.refresh()]);
    return record;
  }

  function remember(record: HistoryRecord): void {
    history.value = [record, ...history.value].slice(0, MAX_HISTORY);
  }

  function clearHistory(): void {
    history.value = [];
  }

  /** Another machine: its config space is read afresh and the pokes of the last one are gone. */
  function reset(): void {
    image.value = null;
    clearHistory();
  }

  return { image, history, load, writeConfig, read, mask, poke, setpci, clearHistory, reset };
});

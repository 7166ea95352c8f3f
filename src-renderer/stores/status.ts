// Machine status, the connection, and every refused request: the one place that
// calls the transport, so errors are reported the same way for every store.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { MachineStatus, PresetInfo, Reply, RequestName, RequestParams, RequestResult, ViewName } from '../../src-shared/ipc/contract';
import { useTransport } from '../transport/transport';
import { userWords } from '../lib/user-words';

export interface ReportedError {
  id: number;
  message: string;
}

const MAX_ERRORS = 20;

/** Requests the app sends by itself to show the machine: their success says nothing about what the user did. */
const READS: ReadonlySet<RequestName> = new Set<RequestName>(['status', 'interruptCounts', 'listPresets', 'listDevices', 'readConfigSpace', 'readConfig', 'vectorSnapshot', 'debuggerState']);

export const useStatusStore = defineStore('status', () => {
  const machine = ref<MachineStatus | null>(null);
  const presets = ref<PresetInfo[]>([]);
  const connection = ref<'connecting' | 'open' | 'closed'>('connecting');
  const disconnectReason = ref('');
  const errors = ref<ReportedError[]>([]);
  const view = ref<ViewName>('devices');
  let nextErrorId = 1;

  const lastError = computed(() => errors.value.at(-1) ?? null);

  function reportError(message: string): void {
    errors.value = [...errors.value.slice(-(MAX_ERRORS - 1)), { id: nextErrorId++, message }];
  }

  function dismissErrors(): void {
    errors.value = [];
  }

  /**
   * Sends a request and answers its reply, a refusal in the user's words (and
   * reported). A later user action that succeeds clears the reported errors.
   */
  async function request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<Reply<RequestResult<N>>> {
    const reply = await useTransport().invoke(name, params);
    if (reply.ok) {
      if (!READS.has(name)) dismissErrors();
      return reply;
    }
    const refused = { ok: false as const, error: userWords(reply.error) };
    reportError(refused.error);
    return refused;
  }

  /** Sends a request; a refusal is reported and answers undefined. */
  async function call<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N> | undefined> {
    const reply = await request(name, params);
    return reply.ok ? reply.value : undefined;
  }

  async function refresh(): Promise<void> {
    const status = await call('status', {});
    if (status !== undefined) machine.value = status;
  }

  async function loadPresets(): Promise<void> {
    presets.value = (await call('listPresets', {})) ?? [];
  }

  /** The machineLoaded event that follows resets the other stores. */
  async function loadPreset(preset: string): Promise<boolean> {
    const loaded = await call('loadMachine', { source: 'preset', preset });
    if (loaded !== undefined) machine.value = loaded;
    return loaded !== undefined;
  }

  async function loadText(text: string, fileName: string): Promise<boolean> {
    const loaded = await call('loadMachine', { source: 'text', text, fileName });
    if (loaded !== undefined) machine.value = loaded;
    return loaded !== undefined;
  }

  async function resetMachine(): Promise<void> {
    const after = await call('resetMachine', {});
    if (after !== undefined) machine.value = after;
  }

  function connected(): void {
    connection.value = 'open';
    useTransport().onDisconnect((reason) => {
      connection.value = 'closed';
      disconnectReason.value = reason;
    });
  }

  return { machine, presets, connection, disconnectReason, errors, lastError, view, request, call, reportError, dismissErrors, refresh, loadPresets, loadPreset, loadText, resetMachine, connected };
});

import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electronMock);

const { createBridge } = await import('../../src-main/preload/bridge');
const { electronMock } = await import('./electron-mock');
const { REQUEST_NAMES, STREAM_NAMES, requestChannel, streamChannel } = await import('../../src-shared/ipc/names');

function fakeIpc() {
  const listeners = new Map<string, ((event: unknown, payload: unknown) => void)[]>();
  return {
    listeners,
    invoke: vi.fn(async (channel: string, params: unknown) => ({ ok: true, value: { channel, params } })),
    on: vi.fn((channel: string, l: (event: unknown, payload: unknown) => void) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), l]);
    }),
    removeListener: vi.fn((channel: string, l: (event: unknown, payload: unknown) => void) => {
      listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l));
    }),
  };
}

describe('preload bridge', () => {
  it('has one method per request, each invoking its own channel', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never);
    expect(Object.keys(bridge).filter((k) => k !== 'on').sort()).toEqual([...REQUEST_NAMES].sort());
    expect(await bridge.readConfig({ bdf: 24, offset: 0, size: 2 })).toEqual({ ok: true, value: { channel: requestChannel('readConfig'), params: { bdf: 24, offset: 0, size: 2 } } });
  });

  it('subscriptions pass the payload only, never the IpcRendererEvent, and unsubscribe', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never);
    expect(Object.keys(bridge.on).sort()).toEqual([...STREAM_NAMES].sort());
    const got: unknown[][] = [];
    const off = bridge.on.deviceStateChanged((...args: unknown[]) => got.push(args));
    const channel = streamChannel('deviceStateChanged');
    const senderEvent = { sender: { send: () => undefined }, ports: [] };
    for (const l of ipc.listeners.get(channel)!) l(senderEvent, { bdfs: [24] });
    expect(got).toEqual([[{ bdfs: [24] }]]);
    off();
    expect(ipc.listeners.get(channel)).toEqual([]);
  });

  it('exposes only the typed API, as window.irqscope', async () => {
    await import('../../src-main/preload/index');
    expect(electronMock.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = electronMock.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(key).toBe('irqscope');
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'on'].sort());
    expect(Object.values(api).filter((v) => typeof v === 'function')).toHaveLength(REQUEST_NAMES.length);
  });
});

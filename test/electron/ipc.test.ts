import { beforeEach, describe, expect, it, vi } from 'vitest';
import { machineOf } from '../target-machine';

vi.mock('electron', async () => (await import('./electron-mock')).electronMock);

const { registerIpcHandlers, trustedSender, windowClient } = await import('../../src-main/electron/ipc');
const { FakeBrowserWindow, FakeIpcMain } = await import('./electron-mock');
const { REQUEST_NAMES, requestChannel, streamChannel } = await import('../../src-shared/ipc/names');
const { TWO_DEVICES, NIC, hostWith } = await import('../host/fixtures');

const APP = 'file:///opt/irqscope/out/renderer/index.html';

function setup() {
  const window = new FakeBrowserWindow({});
  void window.loadURL(APP);
  const ipc = new FakeIpcMain();
  const host = hostWith(TWO_DEVICES);
  const dispatch = vi.fn(host.dispatch);
  const unregister = registerIpcHandlers(ipc as never, dispatch as never, trustedSender(window as never, APP));
  const invoke = (name: string, params: unknown, event: unknown = { sender: window.webContents, senderFrame: window.webContents.mainFrame }) =>
    ipc.handlers.get(requestChannel(name as never))!(event, params);
  return { window, ipc, host, dispatch, unregister, invoke };
}

describe('ipcMain handlers', () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    s = setup();
  });

  it('registers one handler per contract request, and removes them all', () => {
    expect([...s.ipc.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
    s.unregister();
    expect(s.ipc.handlers.size).toBe(0);
  });

  it.each(REQUEST_NAMES.map((n) => [n]))('%s validates its payload before anything happens', (name) => {
    const total = machineOf(s.host.session).log.total;
    const reply = s.invoke(name, { bogus: 1 }) as { ok: boolean; error: string };
    expect(reply.ok).toBe(false);
    expect(reply.error.startsWith(name)).toBe(true);
    expect(machineOf(s.host.session).log.total).toBe(total);
  });

  it('answers a valid request from our window', () => {
    expect(s.invoke('readConfig', { bdf: NIC, offset: 0, size: 2 })).toEqual({ ok: true, value: { value: 0x1af4 } });
  });

  it('refuses requests from another window, a subframe, or another page, without dispatching', () => {
    const other = new FakeBrowserWindow({});
    void other.loadURL(APP);
    const params = { bdf: NIC, offset: 4, size: 2, value: 6 };
    const refused = [
      { sender: other.webContents, senderFrame: other.webContents.mainFrame },
      { sender: s.window.webContents, senderFrame: { url: APP } },
      { sender: s.window.webContents, senderFrame: null },
    ];
    for (const event of refused) {
      expect(s.invoke('writeConfig', params, event)).toEqual({ ok: false, error: 'writeConfig: refused: the request did not come from the irqscope window' });
    }
    s.window.webContents.mainFrame.url = 'https://example.com/';
    expect((s.invoke('writeConfig', params) as { ok: boolean }).ok).toBe(false);
    s.window.webContents.mainFrame.url = APP;
    s.window.destroyed = true;
    expect((s.invoke('writeConfig', params) as { ok: boolean }).ok).toBe(false);
    expect(s.dispatch).not.toHaveBeenCalled();
    expect(machineOf(s.host.session).fn(NIC)!.command).toBe(0);
  });

  it('streams session output to the window on the stream channels', () => {
    const client = windowClient(s.window as never);
    expect(client.ready()).toBe(true);
    client.send('deviceStateChanged', { bdfs: [NIC], registers: [] });
    expect(s.window.webContents.sent).toEqual([{ channel: streamChannel('deviceStateChanged'), payload: { bdfs: [NIC], registers: [] } }]);
    s.window.webContents.loading = true;
    expect(client.ready()).toBe(false);
    s.window.destroyed = true;
    client.send('deviceStateChanged', { bdfs: [], registers: [] });
    expect(s.window.webContents.sent).toHaveLength(1);
  });
});

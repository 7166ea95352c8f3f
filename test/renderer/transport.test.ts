import { describe, expect, it, vi } from 'vitest';
import { connectWebSocket, socketUrl } from '../../src-renderer/transport/websocket-transport';
import { bridgeTransport } from '../../src-renderer/transport/bridge-transport';
import { chooseTransport } from '../../src-renderer/transport/choose-transport';
import type { IrqscopeBridge } from '../../src-shared/ipc/bridge';

/** Enough of a browser WebSocket for the transport. */
class FakeSocket extends EventTarget {
  binaryType = 'blob';
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
  }
  send(data: string): void {
    this.sent.push(data);
  }
  open(): void {
    this.dispatchEvent(new Event('open'));
  }
  receive(data: unknown): void {
    const event = new Event('message') as Event & { data: unknown };
    event.data = data;
    this.dispatchEvent(event);
  }
  close(reason: string): void {
    const event = new Event('close') as Event & { reason: string; code: number };
    event.reason = reason;
    event.code = 1006;
    this.dispatchEvent(event);
  }
}

async function connected(): Promise<{ socket: FakeSocket; transport: Awaited<ReturnType<typeof connectWebSocket>> }> {
  let socket!: FakeSocket;
  const pending = connectWebSocket('ws://127.0.0.1:1/t/ws', (url) => (socket = new FakeSocket(url)) as unknown as WebSocket, undefined, () => undefined);
  socket.open();
  return { socket, transport: await pending };
}

describe('WebSocket transport', () => {
  it('puts the socket beside the page, so the token in the path goes with it', () => {
    expect(socketUrl('http://127.0.0.1:5000/AbC_token/?x=1#y')).toBe('ws://127.0.0.1:5000/AbC_token/ws');
    expect(socketUrl('https://example.test/t/index.html')).toBe('wss://example.test/t/ws');
  });

  it('matches replies to requests by id, whatever order they come in', async () => {
    const { socket, transport } = await connected();
    expect(socket.binaryType).toBe('arraybuffer');
    const a = transport.invoke('status', {});
    const b = transport.invoke('readConfig', { bdf: 0x18, offset: 0, size: 2 });
    expect(socket.sent.map((s) => JSON.parse(s))).toEqual([
      { id: 1, name: 'status', params: {} },
      { id: 2, name: 'readConfig', params: { bdf: 0x18, offset: 0, size: 2 } },
    ]);
    socket.receive(JSON.stringify({ type: 'reply', id: 2, reply: { ok: true, value: { value: 0x1af4 } } }));
    socket.receive(JSON.stringify({ type: 'reply', id: 1, reply: { ok: false, error: 'status: boom' } }));
    expect(await b).toEqual({ ok: true, value: { value: 0x1af4 } });
    expect(await a).toEqual({ ok: false, error: 'status: boom' });
  });

  it('hands binary frames to timeline listeners and JSON events to theirs; unsubscribe stops them', async () => {
    const { socket, transport } = await connected();
    const batches: ArrayBuffer[] = [];
    const changes: unknown[] = [];
    const stop = transport.subscribe('timeline', (b) => batches.push(b));
    transport.subscribe('deviceStateChanged', (p) => changes.push(p));
    const buffer = new ArrayBuffer(8);
    socket.receive(buffer);
    socket.receive(JSON.stringify({ type: 'event', stream: 'deviceStateChanged', payload: { bdfs: [24], registers: [] } }));
    stop();
    socket.receive(new ArrayBuffer(8));
    expect(batches).toEqual([buffer]);
    expect(changes).toEqual([{ bdfs: [24], registers: [] }]);
  });

  it('on close, answers pending requests with an error and tells the app', async () => {
    const { socket, transport } = await connected();
    const onDown = vi.fn();
    transport.onDisconnect(onDown);
    const pending = transport.invoke('status', {});
    socket.close('host stopped');
    expect(await pending).toEqual({ ok: false, error: 'request 1: host stopped' });
    expect(onDown).toHaveBeenCalledWith('host stopped');
    expect(await transport.invoke('status', {})).toEqual({ ok: false, error: 'status: not connected (host stopped)' });
  });

  it('re-opens a dropped connection, waiting twice as long after each failure up to the cap, and says when it is back', async () => {
    const sockets: FakeSocket[] = [];
    const timers: [() => void, number][] = [];
    const pending = connectWebSocket(
      'ws://127.0.0.1:1/t/ws',
      (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s as unknown as WebSocket;
      },
      { firstDelayMs: 500, maxDelayMs: 2000 },
      (run, ms) => timers.push([run, ms]),
    );
    sockets[0]!.open();
    const transport = await pending;
    const back = vi.fn();
    transport.onReconnect(back);
    sockets[0]!.close('host restarted');
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const [run, ms] = timers.shift()!;
      waits.push(ms);
      run();
      sockets[attempt]!.close('refused');
    }
    expect(waits).toEqual([500, 1000, 2000, 2000]);
    expect(back).not.toHaveBeenCalled();
    timers.shift()![0]();
    sockets[5]!.open();
    expect(back).toHaveBeenCalledTimes(1);
    const reply = transport.invoke('status', {});
    const sent = JSON.parse(sockets[5]!.sent[0]!) as { id: number; name: string };
    expect(sent.name).toBe('status');
    sockets[5]!.receive(JSON.stringify({ type: 'reply', id: sent.id, reply: { ok: true, value: 'up' } }));
    expect(await reply).toEqual({ ok: true, value: 'up' });
    // A later drop starts again from the first delay.
    sockets[5]!.close('again');
    expect(timers.map(([, ms]) => ms)).toEqual([500]);
  });

  it('fails to connect with the reason when the host refuses the socket', async () => {
    let socket!: FakeSocket;
    const pending = connectWebSocket('ws://127.0.0.1:1/bad/ws', (url) => (socket = new FakeSocket(url)) as unknown as WebSocket);
    socket.close('');
    await expect(pending).rejects.toThrow('cannot connect to ws://127.0.0.1:1/bad/ws: connection closed (code 1006)');
  });
});

describe('bridge transport', () => {
  it('calls the preload method named by the request and subscribes through bridge.on', async () => {
    const status = vi.fn(async () => ({ ok: true as const, value: 'x' }));
    const off = vi.fn();
    const timeline = vi.fn(() => off);
    const bridge = { status, on: { timeline } } as unknown as IrqscopeBridge;
    const transport = bridgeTransport(bridge);
    expect(await transport.invoke('status', {})).toEqual({ ok: true, value: 'x' });
    expect(status).toHaveBeenCalledWith({});
    const listener = (): void => undefined;
    expect(transport.subscribe('timeline', listener)).toBe(off);
    expect(timeline).toHaveBeenCalledWith(listener);
  });

  it('is chosen when the preload exposed window.irqscope', async () => {
    const win = { irqscope: { on: {} }, location: { href: 'file:///x/index.html' } } as unknown as Window;
    expect((await chooseTransport(win)).kind).toBe('electron');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { CONTENT_SECURITY_POLICY } from '../../src-main/host/content-security-policy';
import { NIC, TWO_DEVICES, hostWith } from './fixtures';
import type { AppHost } from '../../src-main/host/app-host';
import { decodeBatch } from '../../src-shared/timeline/wire';
import type { WsServerMessage } from '../../src-shared/ipc/ws-protocol';

let dir: string;
let app: AppHost;
let web: WebHost;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'irqscope-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>irqscope</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, '..', 'secret.txt'), 'secret');
  app = hostWith(TWO_DEVICES);
  web = await startWebHost({ session: app.session, dispatch: app.dispatch, rendererDir: dir, port: 0 });
});

afterEach(async () => {
  await web.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, host = `127.0.0.1:${web.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(path: string, origin?: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}${path}`, origin === undefined ? {} : { origin });
  ws.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextReply(ws: WebSocket): Promise<WsServerMessage> {
  return new Promise((resolve) => {
    const on = (data: Buffer, binary: boolean): void => {
      if (binary) return;
      const message = JSON.parse(data.toString()) as WsServerMessage;
      if (message.type !== 'reply') return;
      ws.off('message', on);
      resolve(message);
    };
    ws.on('message', on);
  });
}

describe('web host', () => {
  it('binds to 127.0.0.1 and prints a URL carrying a long random token', async () => {
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/${web.token}/`);
    expect(web.token.length).toBeGreaterThanOrEqual(32);
    const other = await startWebHost({ session: app.session, dispatch: app.dispatch, rendererDir: dir, port: 0 });
    expect(other.token).not.toBe(web.token);
    await other.close();
  });

  it('serves the renderer under the token, with the CSP and no referrer', async () => {
    const page = await get(`/${web.token}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>irqscope</title>');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await get(`/${web.token}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await get(`/${web.token}`)).status).toBe(308);
  });

  it('refuses HTTP requests without the right token', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/index.html')).status).toBe(403);
    expect((await get(`/${web.token.slice(1)}x/`)).status).toBe(403);
    expect((await get(`/${web.token}x/`)).status).toBe(403);
    expect((await get(`/assets/app.js?token=${web.token}`)).status).toBe(403);
  });

  it('refuses a Host header that is not the loopback address (DNS rebinding)', async () => {
    expect((await get(`/${web.token}/`, `evil.example:${web.port}`)).status).toBe(403);
    expect((await get(`/${web.token}/`, `localhost:${web.port}`)).status).toBe(200);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await get(`/${web.token}${path}`);
      expect(res.status, path).not.toBe(200);
      expect(res.body).not.toContain('secret');
    }
    expect((await get(`/${web.token}/assets/missing.js`)).status).toBe(404);
  });

  it('refuses WebSocket connections without the token or from another origin', async () => {
    await expect(open('/ws')).rejects.toThrow(/403/);
    await expect(open(`/wrong/ws`)).rejects.toThrow(/403/);
    await expect(open(`/${web.token}/ws`, 'http://evil.example')).rejects.toThrow(/403/);
    expect(app.session.clientCount).toBe(0);
  });

  it('answers requests over the socket with the token, and errors that name the field', async () => {
    const ws = await open(`/${web.token}/ws`, `http://127.0.0.1:${web.port}`);
    ws.send(JSON.stringify({ id: 1, name: 'readConfig', params: { bdf: NIC, offset: 0, size: 2 } }));
    expect(await nextReply(ws)).toEqual({ type: 'reply', id: 1, reply: { ok: true, value: { value: 0x1af4 } } });
    ws.send(JSON.stringify({ id: 2, name: 'writeConfig', params: { bdf: NIC, offset: 4, size: 3, value: 1 } }));
    expect(await nextReply(ws)).toEqual({ type: 'reply', id: 2, reply: { ok: false, error: 'writeConfig.size: must be 1, 2 or 4 bytes' } });
    ws.send('{not json');
    expect(await nextReply(ws)).toEqual({ type: 'reply', id: null, reply: { ok: false, error: 'request: not valid JSON' } });
    ws.send(JSON.stringify({ name: 'status' }));
    expect(await nextReply(ws)).toMatchObject({ id: null, reply: { ok: false } });
    ws.close();
  });

  it('a malformed frame closes only that socket; the host goes on serving', async () => {
    const bad = await open(`/${web.token}/ws`);
    const closed = new Promise<number>((resolve) => bad.once('close', (code) => resolve(code)));
    // A text frame that is not UTF-8: the server's receiver refuses it with an error event.
    bad.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
    expect(await closed).toBe(1007);
    const good = await open(`/${web.token}/ws`);
    good.send(JSON.stringify({ id: 7, name: 'status', params: {} }));
    expect(await nextReply(good)).toMatchObject({ id: 7, reply: { ok: true } });
    good.close();
  });

  it('takes the largest session file the contract accepts in one frame, and answers it', { timeout: 30_000 }, async () => {
    const ws = await open(`/${web.token}/ws`);
    ws.send(JSON.stringify({ id: 3, name: 'openSession', params: { data: 'A'.repeat(32 << 20), fileName: 'big.irqsession' } }));
    expect(await nextReply(ws)).toEqual({
      type: 'reply',
      id: 3,
      reply: { ok: false, error: 'openSession.data: big.irqsession: not an irqscope session file (no IRQSCOPE signature) (the running machine is unchanged)' },
    });
    ws.close();
  });

  it('a client that resets the connection while being refused does not bring the host down', async () => {
    const { connect } = await import('node:net');
    for (let k = 0; k < 20; k++) {
      const raw = connect(web.port, '127.0.0.1');
      await new Promise((resolve) => raw.once('connect', resolve));
      raw.write(`GET /wrong/ws HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'a'.repeat(22)}==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      raw.resetAndDestroy();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect((await get(`/${web.token}/`)).status).toBe(200);
  });

  it('streams timeline batches as binary frames to connected clients', async () => {
    const ws = await open(`/${web.token}/ws`);
    const batch = new Promise<ArrayBuffer>((resolve) => ws.on('message', (data, binary) => binary && resolve(data as ArrayBuffer)));
    app.dispatch('writeConfig', { bdf: NIC, offset: 4, size: 2, value: 6 });
    app.session.pump();
    const decoded = decodeBatch(await batch);
    expect(decoded.ok && decoded.batch.total).toBe(1);
    ws.close();
  });
});

describe('web host back-pressure', () => {
  it('stops reading a client that does not read, drops it after stallMs saying so, and answers the others meanwhile', async () => {
    const lines: string[] = [];
    let answered = 0;
    const counting = ((name: unknown, params: unknown) => {
      answered++;
      return app.dispatch(name, params);
    }) as typeof app.dispatch;
    const host = await startWebHost({ session: app.session, dispatch: counting, rendererDir: dir, port: 0, replyHighWaterBytes: 64 << 10, stallMs: 400, log: (l) => lines.push(l) });
    try {
      const deaf = new WebSocket(`ws://127.0.0.1:${host.port}/${host.token}/ws`);
      await new Promise((resolve) => deaf.once('open', resolve));
      // Stop reading at the socket: replies pile up on the server's side.
      (deaf as unknown as { _socket: { pause(): void } })._socket.pause();
      const closed = new Promise((resolve) => deaf.once('close', resolve));
      const request = JSON.stringify({ id: 1, name: 'readConfigSpace', params: { bdf: NIC } });
      for (let i = 0; i < 20_000; i++) deaf.send(request);
      await new Promise((r) => setTimeout(r, 150));
      const good = new WebSocket(`ws://127.0.0.1:${host.port}/${host.token}/ws`);
      await new Promise((resolve) => good.once('open', resolve));
      good.send(JSON.stringify({ id: 7, name: 'status', params: {} }));
      expect(await nextReply(good)).toMatchObject({ id: 7, reply: { ok: true } });
      // Far fewer than the 20,000 were run: the host stopped reading at the high-water mark.
      expect(answered).toBeLessThan(20_000 / 2);
      for (let k = 0; k < 100 && lines.length === 0; k++) await new Promise((r) => setTimeout(r, 20));
      (deaf as unknown as { _socket: { resume(): void } })._socket.resume();
      await closed;
      expect(lines).toEqual([expect.stringMatching(/^irqscope web: dropped client 1: it read nothing for 0.4 s \(\d+\.\d MiB unsent\)$/)]);
      good.close();
    } finally {
      await host.close();
    }
  });

  it('a client that reads slowly gets every reply, in order', async () => {
    const host = await startWebHost({ session: app.session, dispatch: app.dispatch, rendererDir: dir, port: 0, replyHighWaterBytes: 16 << 10, stallMs: 5000 });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/${host.token}/ws`);
      await new Promise((resolve) => ws.once('open', resolve));
      const ids: number[] = [];
      const all = new Promise<void>((resolve) =>
        ws.on('message', (data: Buffer, binary: boolean) => {
          if (binary) return;
          const m = JSON.parse(data.toString()) as WsServerMessage;
          if (m.type === 'reply' && typeof m.id === 'number') ids.push(m.id);
          if (ids.length === 300) resolve();
        }),
      );
      const socket = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      for (let i = 0; i < 300; i++) ws.send(JSON.stringify({ id: i, name: 'readConfigSpace', params: { bdf: NIC } }));
      for (let k = 0; k < 20; k++) {
        socket.pause();
        await new Promise((r) => setTimeout(r, 10));
        socket.resume();
        await new Promise((r) => setTimeout(r, 5));
      }
      await all;
      expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => i));
    } finally {
      await host.close();
    }
  });
});

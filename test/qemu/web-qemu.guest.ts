// `irqscope web --qemu -- QEMU-ARGS…` over the test guest: the browser host serves the
// real guest — its devices, the driver's MSI-X table and deliveries — and a qtest line
// sent as the page sends it goes to QEMU and is answered when QEMU answers.
import { afterAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import WebSocket from 'ws';
import { webCommand } from '../../src-main/cli/web-command';
import { buildInitramfs, guestArgs, hasTestGuest, INTERRUPTS_END, QEMU_BIN, RELEASE_GUEST } from './test-guest';
import type { DeviceInfo, SessionDownload, VectorSnapshot } from '../../src-shared/ipc/contract';
import { decodeSession } from '../../src-main/session/machine-snapshot';

const required = process.env.IRQSCOPE_REQUIRE_QEMU === '1';
const TIMEOUT_MS = 180_000;

describe.skipIf(!hasTestGuest && !required)('irqscope web --qemu', () => {
  const initrd = hasTestGuest ? buildInitramfs() : null;
  afterAll(() => initrd?.cleanup());

  it('serves the real guest: devices from the bus scan, the MSI-X table the driver wrote, deliveries; qtest lines go to QEMU', async () => {
    if (initrd === null) throw new Error('IRQSCOPE_REQUIRE_QEMU=1 but qemu-system-x86, linux-image-amd64, busybox-static or cpio is missing');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = webCommand(['--qemu', '--qemu-binary', QEMU_BIN, '--port', '0', '--', ...guestArgs(initrd.path)], { stdin: new PassThrough(), stdout, stderr, cwd: process.cwd() });
    const until = async (test: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + TIMEOUT_MS;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${err.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(() => /open (http:\S+)/.test(out), 'the URL');
    expect(out).toMatch(/^irqscope web: QEMU guest \(\d+ functions on bus 0\)$/m);
    const url = /open (http:\S+)/.exec(out)![1]!;
    const ws = new WebSocket(`${url.replace('http', 'ws')}ws`);
    const replies = new Map<number, (reply: { ok: boolean; value?: unknown; error?: string }) => void>();
    ws.on('message', (data, binary) => {
      if (binary) return;
      const message = JSON.parse(data.toString()) as { type: string; id: number; reply: { ok: boolean; value?: unknown } };
      if (message.type === 'reply') replies.get(message.id)?.(message.reply);
    });
    await new Promise((r) => ws.once('open', r));
    let id = 0;
    const request = <T>(name: string, params: unknown): Promise<T> =>
      new Promise((resolve, reject) => {
        const mine = ++id;
        replies.set(mine, (reply) => (reply.ok ? resolve(reply.value as T) : reject(new Error(reply.error))));
        ws.send(JSON.stringify({ id: mine, name, params }));
      });

    const devices = await request<DeviceInfo[]>('listDevices', {});
    const nic = devices.find((d) => d.address === '00:02.0');
    expect(nic?.vendor).toBe(0x8086);
    expect(nic?.msix?.vectors).toBe(5);
    await until(() => err.includes(INTERRUPTS_END), "the guest's /proc/interrupts");
    const snapshot = await request<VectorSnapshot>('vectorSnapshot', { bdf: 0x10 });
    expect(snapshot.enabled).toBe(true);
    expect(snapshot.delivered.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // The grid's table and PBA are QEMU's own, read over qtest: each dword is what QEMU answers a readl of it now.
    expect(snapshot.live?.timeNs).toBeGreaterThan(0);
    const readl = async (addr: number): Promise<number> => {
      const { reply } = await request<{ reply: string }>('qtest', { line: `readl 0x${addr.toString(16)}` });
      return Number.parseInt(reply.slice(3), 16);
    };
    for (let i = 0; i < snapshot.table.length; i++) expect({ i, value: await readl(snapshot.tableAddress! + i * 4) }).toEqual({ i, value: snapshot.table[i] });
    for (let i = 0; i < snapshot.pba.length; i++) expect({ i, value: await readl(snapshot.pbaAddress! + i * 4) }).toEqual({ i, value: snapshot.pba[i] });
    expect(snapshot.table.some((w) => w !== 0)).toBe(true);
    // The attach saves as an ordinary session: opened without QEMU, it holds the driver's table and the deliveries.
    const saved = await request<SessionDownload>('saveSession', {});
    const opened = decodeSession(Buffer.from(saved.data, 'base64'));
    if (!opened.ok) throw new Error(opened.error);
    const msix = opened.machine.fn(0x10)!.msix!;
    expect({ enabled: msix.enabled, table: Array.from(msix.table) }).toEqual({ enabled: true, table: snapshot.table });
    expect(Array.from(msix.delivered).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(snapshot.delivered.reduce((a, b) => a + b, 0));
    // What QEMU cannot be asked is refused by name.
    await expect(request('fireVector', { bdf: 0x10, vector: 0 })).rejects.toThrow('fireVector: firing a vector (the guest’s device raises its own interrupts) is not supported on a QEMU target');
    for (const line of RELEASE_GUEST) expect(await request<{ reply: string }>('qtest', { line })).toEqual({ reply: 'OK' });
    await until(() => err.includes('QEMU exited (status 0)'), 'QEMU to exit after the guest powers off');
    ws.close();
    process.emit('SIGINT');
    expect(await exited).toBe(0);
  }, TIMEOUT_MS);
});

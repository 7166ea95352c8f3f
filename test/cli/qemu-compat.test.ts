// The drop-in for QEMU's harnesses: a small harness that behaves like libqtest (it
// listens on a qtest and a QMP socket, starts the launcher with libqtest's command
// line, does the QMP handshake, runs a bring-up over qtest, sends quit), and the
// command line of QEMU's Python QEMUQtestMachine mapped onto the presets.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQemuCommandLine } from '../../src-main/cli/qemu-command-line';
import { QmpMonitor } from '../../src-main/cli/qmp-monitor';
import { loadMachineObject } from '../../src-main/machine/machine-builder';
import type { MachineDescriptionInput } from '../../src-shared/machine-file/description';
import { targetOf } from '../target-machine';

const BIN = join(__dirname, '../../bin/irqscope-qemu.mjs');
const preset = (name: string): MachineDescriptionInput =>
  JSON.parse(readFileSync(join(__dirname, '../../machines', `${name}.json`), 'utf8')) as MachineDescriptionInput;

/** Lines from a socket, awaited one at a time. */
class Lines {
  private buffered = '';
  private readonly queue: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl).replace(/\r$/, '');
        this.buffered = this.buffered.slice(nl + 1);
        if (this.waiting === null) this.queue.push(line);
        else {
          const w = this.waiting;
          this.waiting = null;
          w(line);
        }
      }
    });
  }
  next(): Promise<string> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

function listen(path: string): Promise<{ accepted: Promise<Socket>; close: () => void }> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(path, () => resolve({ accepted: new Promise((r) => server.once('connection', r)), close: () => server.close() })),
  );
}

describe('irqscope-qemu under a libqtest-like harness', () => {
  it('QMP handshake, a bring-up over qtest, IRQ lines, quit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-compat-'));
    const qtestPath = join(dir, 'qtest.sock');
    const qmpPath = join(dir, 'qmp.sock');
    const qtestServer = await listen(qtestPath);
    const qmpServer = await listen(qmpPath);
    // libqtest's command line (QEMU 7.2 tests/qtest/libqtest.c) with a test's extra arguments.
    const child = spawn(
      process.execPath,
      [BIN, '-qtest', `unix:${qtestPath}`, '-qtest-log', '/dev/null', '-chardev', `socket,path=${qmpPath},id=char0`, '-mon', 'chardev=char0,mode=control', '-display', 'none', '-machine', 'q35', '-device', 'e1000e,addr=02.0', '-accel', 'qtest'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const qtest = new Lines(await qtestServer.accepted);
      const qmpSocket = await qmpServer.accepted;
      const qmp = new Lines(qmpSocket);
      const qmpCall = async (execute: string): Promise<Record<string, unknown>> => {
        qmpSocket.write(`${JSON.stringify({ execute })}\n`);
        return JSON.parse(await qmp.next()) as Record<string, unknown>;
      };
      expect(JSON.parse(await qmp.next())).toMatchObject({ QMP: { version: { qemu: { major: 7, minor: 2 } }, capabilities: ['oob'] } });
      expect(await qmpCall('qmp_capabilities')).toEqual({ return: {} });
      expect(await qmpCall('query-status')).toEqual({ return: { status: 'running', singlestep: false, running: true } });

      const qtestSocket = await qtestServer.accepted;
      const command = async (line: string): Promise<string> => {
        qtestSocket.write(`${line}\n`);
        // Asynchronous IRQ lines come before the reply, as libqtest expects them.
        const lines = [await qtest.next()];
        while (lines.at(-1)!.startsWith('IRQ ')) lines.push(await qtest.next());
        return lines.join('|');
      };
      // The e1000e's BAR3 (MSI-X table) and memory space + bus master, then INTx, then MSI-X.
      for (const line of ['outl 0xcf8 0x8000101c', 'outl 0xcfc 0xfebf0000', 'outl 0xcf8 0x80001004', 'outw 0xcfc 0x6']) expect(await command(line)).toBe('OK');
      expect(await command('irq_intercept_in ioapic')).toBe('OK');
      expect(await command('device_irq 00:02.0 0')).toBe('IRQ raise 22|OK');
      expect(await command('outl 0xcf8 0x800010a0')).toBe('OK');
      expect(await command('outw 0xcfe 0x8000')).toBe('IRQ lower 22|OK');
      // qtest_memwrite/qtest_memread on the table: vector 0 aimed at RAM 0x1000 (A2), unmasked.
      expect(await command('write 0xfebf0000 16 0x00100000000000003412000000000000')).toBe('OK');
      expect(await command('read 0xfebf0000 16')).toBe('OK 0x00100000000000003412000000000000');
      expect(await command('msix_notify 00:02.0 0')).toBe('OK');
      expect(await command('readl 0x1000')).toBe('OK 0x0000000000001234');
      expect(await command('# a comment still gets one reply')).toBe('OK');

      expect(await qmpCall('system_reset')).toEqual({ return: {} });
      expect(JSON.parse(await qmp.next())).toMatchObject({ event: 'RESET', data: { guest: false, reason: 'host-qmp-system-reset' } });
      expect(await command('read 0xfebf0000 4')).toBe('OK 0x00000000');
      expect(await qmpCall('quit')).toEqual({ return: {} });
      expect(JSON.parse(await qmp.next())).toMatchObject({ event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } });
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      qtestServer.close();
      qmpServer.close();
    }
    expect(stderr).toBe('');
  }, 30_000);

  it('SIGTERM during a long clock_step (no firing limit, as in QEMU) answers it with how far it got and exits; progress went to stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-compat-'));
    const qtestPath = join(dir, 'qtest.sock');
    const qtestServer = await listen(qtestPath);
    const child = spawn(process.execPath, [BIN, '-qtest', `unix:${qtestPath}`, '-machine', 'q35', '-device', 'e1000e,addr=02.0', '-accel', 'qtest'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const socket = await qtestServer.accepted;
      const qtest = new Lines(socket);
      socket.write('source_start 00:02.0 0 1000000000\nclock_step 100000000000\n');
      expect(await qtest.next()).toBe('OK');
      while (!stderr.includes('running 1 s')) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      expect(await qtest.next()).toMatch(/^FAIL clock_step: interrupted by SIGTERM at \d+ ns after \d+ firings, short of 100000000000 ns \(virtual time stays there\)$/);
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/^irqscope-qemu: clock_step running 1 s: at \d+ ns of 100000000000 ns/);
    } finally {
      child.kill('SIGKILL');
      qtestServer.close();
    }
  }, 30_000);

  it('an unknown device is a clear error and a non-zero exit', async () => {
    const child = spawn(process.execPath, [BIN, '-qtest', 'unix:/nonexistent/q.sock', '-machine', 'q35', '-device', 'ne2k_pci'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain("-device ne2k_pci: irqscope has no model of 'ne2k_pci' (it maps e1000e, virtio-net-pci[,vectors=N] and nvme onto its presets)");
  }, 30_000);
});

describe('QEMU command lines mapped onto the presets', () => {
  it("QEMUQtestMachine's command line: fd chardev, unix:path=, virtio-net-pci,vectors=N in its own BAR, free slots from 1", () => {
    const line = parseQemuCommandLine(
      ['-display', 'none', '-vga', 'none', '-chardev', 'socket,id=mon,fd=3', '-mon', 'chardev=mon,mode=control', '-qtest', 'unix:path=/tmp/q.sock', '-accel', 'qtest', '-nodefaults', '-S', '-device', 'virtio-net-pci,vectors=9', '-device', 'nvme,serial=x', '-device', 'e1000e,addr=01.0'],
      preset,
    );
    expect(line.qtest).toEqual({ kind: 'unix', path: '/tmp/q.sock' });
    expect(line.qmp).toEqual({ kind: 'fd', fd: 3 });
    expect(line.startPaused).toBe(true);
    expect(line.machine.devices!.map((d) => d.bdf)).toEqual(['00:02.0', '00:03.0', '00:01.0']);
    expect(line.machine.devices![0]!.msix).toEqual({ vectors: 9, capOffset: '0x84', exclusiveBar: 1, used: 'all' });
    const built = loadMachineObject(line.machine);
    expect(built.ok).toBe(true);
    if (built.ok) expect(built.machine.fn(0x10)!.msix!.vectors).toBe(9);
  });

  const refused: [string[], string][] = [
    [['-qtest', 'unix:/q', '-machine', 'pc'], '-machine pc: irqscope models only q35'],
    [['-qtest', 'unix:/q', '-accel', 'kvm'], '-accel kvm: only qtest and tcg'],
    [['-qtest', 'tcp:localhost:4444'], 'only unix:PATH sockets are supported'],
    [['-qtest', 'unix:/q,server=on'], 'server mode is not supported'],
    [['-machine', 'q35'], '-qtest unix:PATH is required'],
    [['-qtest', 'unix:/q', '-device', 'virtio-net-pci,vectors=4096'], 'vectors=4096 must be a number of MSI-X vectors in 0..2048'],
    [['-qtest', 'unix:/q', '-mon', 'chardev=nope,mode=control'], 'no -chardev with id=nope'],
    [['-qtest', 'unix:/q', '-smp', '4'], "-smp: not an option irqscope's QEMU drop-in understands"],
  ];
  for (const [argv, message] of refused) {
    it(`refuses ${argv.join(' ')}`, () => {
      expect(() => parseQemuCommandLine(argv, preset)).toThrow(message);
    });
  }
});

describe('QMP monitor', () => {
  function monitor(startPaused: boolean): { handle: (l: string) => unknown[]; quits: () => number } {
    const built = loadMachineObject(preset('e1000e'));
    if (!built.ok) throw new Error(built.errors.join('\n'));
    let out: string[] = [];
    let quits = 0;
    const m = new QmpMonitor(targetOf(built.machine), startPaused, (l) => out.push(l), () => quits++);
    return {
      handle: (l) => {
        out = [];
        m.handle(l);
        return out.map((o) => {
          const v = JSON.parse(o) as Record<string, unknown>;
          delete v.timestamp;
          return v;
        });
      },
      quits: () => quits,
    };
  }

  it('insists on qmp_capabilities first, then answers query-status, stop and cont with their events', () => {
    const q = monitor(true);
    expect(q.handle('{"execute":"query-status"}')).toEqual([{ error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" } }]);
    expect(q.handle('{"execute":"qmp_capabilities","id":7}')).toEqual([{ return: {}, id: 7 }]);
    expect(q.handle('{"execute":"query-status"}')).toEqual([{ return: { status: 'prelaunch', singlestep: false, running: false } }]);
    expect(q.handle('{"execute":"cont"}')).toEqual([{ return: {} }, { event: 'RESUME' }]);
    expect(q.handle('{"execute":"stop"}')).toEqual([{ return: {} }, { event: 'STOP' }]);
    expect(q.handle('{"execute":"query-status"}')).toEqual([{ return: { status: 'paused', singlestep: false, running: false } }]);
    expect(q.handle('{"execute":"device_add"}')).toEqual([{ error: { class: 'CommandNotFound', desc: 'The command device_add has not been found' } }]);
    expect(q.handle('{"execute":')).toMatchObject([{ error: { class: 'GenericError' } }]);
    expect(q.handle('{"execute":"quit"}')).toEqual([{ return: {} }, { event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } }]);
    expect(q.quits()).toBe(1);
  });
});

// `irqscope qemu` over a real guest: Debian's kernel and its e1000e driver in QEMU TCG.
// One boot serves the recording assertions and the import-trace replay; a second boot
// runs under a breakpoint. Error paths use QEMU without a guest (or no QEMU at all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src-main/cli/main';
import { runCli } from '../cli/cli-harness';
import { buildInitramfs, guestArgs, guestMsixCounts, hasTestGuest, INTERRUPTS_END, QEMU_BIN, RELEASE_GUEST } from './test-guest';

const required = process.env.IRQSCOPE_REQUIRE_QEMU === '1';
const BOOT_TIMEOUT_MS = 240_000;

interface EventLine {
  type: string;
  seq: number;
  kind: string;
  origin: string;
  bdf: string | null;
  vector: number;
  a: number;
  b: number;
  detail: number;
}

/** One `irqscope qemu` run in-process, with a stdin kept open for commands. */
class AttachRun {
  readonly stdin = new PassThrough();
  out = '';
  err = '';
  readonly done: Promise<number>;
  private replies = 0;

  constructor(args: string[]) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    stderr.on('data', (d: Buffer) => (this.err += d.toString()));
    this.done = main(['qemu', ...args], { stdin: this.stdin, stdout, stderr, cwd: process.cwd() });
  }

  async waitFor(test: () => boolean, what: string): Promise<void> {
    const until = Date.now() + BOOT_TIMEOUT_MS;
    while (!test()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; stderr:\n${this.err.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A command line on stdin; answers its reply (`OK …`, `guest paused`, …). */
  async command(line: string): Promise<string> {
    const before = this.replyLines().length;
    this.stdin.write(`${line}\n`);
    await this.waitFor(() => this.replyLines().length > before, `the reply to '${line}'`);
    return this.replyLines()[before]!.slice(2);
  }

  private replyLines(): string[] {
    return this.err.split('\n').filter((l) => l.startsWith('> '));
  }

  async qtestValue(line: string): Promise<number> {
    const reply = await this.command(line);
    const m = /^OK (0x[0-9a-f]+)$/.exec(reply);
    if (m === null) throw new Error(`'${line}' answered '${reply}'`);
    return Number.parseInt(m[1]!.slice(2), 16);
  }

  /** Lets the guest power off: the poke with the guest stopped (it uses 0xCF8 too), then on. */
  async release(): Promise<void> {
    if ((await this.command('status')) === 'guest running') expect(await this.command('stop')).toBe('guest stopped');
    for (const line of RELEASE_GUEST) expect(await this.command(line)).toBe('OK');
    expect(await this.command('continue')).toBe('guest continues');
    this.stdin.end();
  }
}

function readEvents(path: string): EventLine[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EventLine)
    .filter((e) => e.type === 'event');
}

/** Each table dword's last value written by the guest (before the user's first access, when `untilUser`). */
function tableContents(events: readonly EventLine[], untilUser: boolean): Map<number, number> {
  const table = new Map<number, number>();
  for (const e of events) {
    if (untilUser && e.origin === 'user') break;
    if (e.kind === 'TableWrite') table.set(e.a, e.b);
  }
  return table;
}

/**
 * Whether the deliveries per vector passed through exactly `counts` at some point: the
 * guest's /proc/interrupts is a snapshot taken while its interrupts go on.
 */
function passesThrough(events: readonly EventLine[], counts: ReadonlyMap<number, number>): boolean {
  const seen = new Map<number, number>();
  const same = (): boolean => [...counts].every(([v, n]) => (seen.get(v) ?? 0) === n) && [...seen.keys()].every((v) => counts.has(v));
  if (same()) return true;
  for (const e of events) {
    if (e.kind !== 'NotifyDelivered') continue;
    seen.set(e.vector, (seen.get(e.vector) ?? 0) + 1);
    if (same()) return true;
  }
  return false;
}

describe.skipIf(!hasTestGuest && !required)('irqscope qemu over a real e1000e driver', () => {
  let dir: string;
  let initrd: { path: string; cleanup: () => void };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'irqscope-attach-test-'));
    initrd = buildInitramfs();
  });
  afterAll(() => {
    initrd.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('one boot, recorded', () => {
    const eventsPath = (): string => join(dir, 'boot.jsonl');
    const tracePath = (): string => join(dir, 'boot.trace');
    let run: AttachRun;
    let readback: Map<number, number>;
    let code: number;

    beforeAll(async () => {
      run = new AttachRun(['--events', eventsPath(), '--save-trace', tracePath(), '--', ...guestArgs(initrd.path)]);
      await run.waitFor(() => run.out.includes(INTERRUPTS_END), "the guest's /proc/interrupts");
      // The live table over qtest, with the guest stopped (it uses 0xCF8 too): BAR3 holds it at offset 0.
      expect(await run.command('stop')).toBe('guest stopped');
      await run.command('outl 0xcf8 0x8000101c');
      const base = ((await run.qtestValue('inl 0xcfc')) & ~0xf) >>> 0;
      readback = new Map();
      for (let off = 0; off < 5 * 16; off += 4) readback.set(off, await run.qtestValue(`readl 0x${(base + off).toString(16)}`));
      await run.release();
      code = await run.done;
    }, BOOT_TIMEOUT_MS);

    it("exits with QEMU's status", () => {
      expect(code, run.err.slice(-2000)).toBe(0);
    });

    it('records MSI-X enable, every entry the driver programmed as the live table reads back, and the unmasks', () => {
      const events = readEvents(eventsPath());
      expect(events.some((e) => e.kind === 'FunctionMaskChanged' && e.bdf === '00:02.0' && e.detail === 1)).toBe(true);
      const programmed = tableContents(events, true);
      expect(programmed.size).toBeGreaterThan(0);
      for (const [off, value] of programmed) expect({ off, value }).toEqual({ off, value: readback.get(off) });
      const unmasked = new Set(events.filter((e) => e.kind === 'VectorUnmasked' && e.bdf === '00:02.0').map((e) => e.vector));
      for (const v of guestMsixCounts(run.out).keys()) expect(unmasked.has(v)).toBe(true);
    });

    it("counts deliveries per vector as the guest's own /proc/interrupts does when it prints them, with zero divergences", () => {
      const events = readEvents(eventsPath());
      const guest = guestMsixCounts(run.out);
      expect(guest.size).toBeGreaterThan(0);
      expect(passesThrough(events, guest), `guest ${JSON.stringify([...guest])}`).toBe(true);
      expect(events.filter((e) => e.kind === 'Divergence')).toEqual([]);
      expect(run.err).toMatch(/ 0 divergences/);
    });

    it("reads the live table and PBA over qtest while the guest runs, checks every dword against the model, and logs none of them", () => {
      const live = /live table and PBA: (\d+) reads over qtest \((\d+) dwords checked against the model\), 0 refused/.exec(run.err);
      expect(live, run.err.slice(-2000)).not.toBeNull();
      expect(Number(live![1])).toBeGreaterThan(2);
      expect(Number(live![2])).toBeGreaterThan(20);
      // The user's own reads are the 5 entries' 20 readl above: the live reads add none.
      const userReads = readEvents(eventsPath()).filter((e) => e.kind === 'TableRead' && e.origin === 'user');
      expect(userReads).toHaveLength(20);
    });

    it('keeps APIC traffic that is no MSI-X of a device out of the deliveries', () => {
      const events = readEvents(eventsPath());
      // The I/O APIC's timer messages go through the same APIC window, but are no device's vector.
      expect(run.err).toMatch(/[1-9]\d* other APIC messages/);
      expect(events.filter((e) => e.kind === 'NotifyDelivered').every((e) => e.bdf === '00:02.0')).toBe(true);
    });

    it("shows the user's qtest pokes as the user's own", () => {
      const events = readEvents(eventsPath());
      expect(events.some((e) => e.kind === 'TableRead' && e.origin === 'user')).toBe(true);
      expect(events.some((e) => e.kind === 'ConfigWrite' && e.origin === 'user' && e.a === 0x3c)).toBe(true);
    });

    it('import-trace on the boot log, replayed with irqscope qtest, gives the same table contents and deliveries', async () => {
      const machine = join(dir, 'replay.json');
      const script = join(dir, 'replay.qtest');
      const imported = await runCli(['import-trace', tracePath(), '-o', machine, '--script', script]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stderr).toMatch(/ 0 divergences/);
      const replayEvents = join(dir, 'replay.jsonl');
      const replay = await runCli(['qtest', '--machine', machine, script, '--events', replayEvents]);
      expect(replay.code).toBe(0);
      expect(replay.stdout).not.toMatch(/FAIL/);
      const live = readEvents(eventsPath());
      const replayed = readEvents(replayEvents);
      expect(tableContents(replayed, false)).toEqual(tableContents(live, false));
      const sequence = (events: readonly EventLine[]): number[] => events.filter((e) => e.kind === 'NotifyDelivered').map((e) => e.vector);
      expect(sequence(replayed)).toEqual(sequence(live));
    });
  });

  it(
    "stops the guest at --break 'unmask 00:02.0 0', reports the stop delay, steps to the next event, and continue lets it finish",
    async () => {
      const events = join(dir, 'break.jsonl');
      const run = new AttachRun(['--events', events, '--break', 'unmask 00:02.0 0', '--', ...guestArgs(initrd.path)]);
      await run.waitFor(() => /guest stopped [\d.]+ ms after the event/.test(run.err), 'the breakpoint stop');
      expect(run.err).toMatch(/BREAK bp=1 .*kind=VectorUnmasked dev=00:02.0 vector=0/);
      expect(run.err).toMatch(/QEMU runs on until it processes the stop/);
      expect(await run.command('status')).toBe('guest paused');
      // step: the guest runs until the model's next event, and is stopped again.
      expect(await run.command('step')).toBe('guest runs to the next event');
      await run.waitFor(() => /BREAK step /.test(run.err) && (run.err.match(/guest stopped [\d.]+ ms after the event/g) ?? []).length === 2, 'the stop after step');
      expect(await run.command('status')).toBe('guest paused');
      expect(await run.command('continue')).toBe('guest continues');
      await run.waitFor(() => run.out.includes(INTERRUPTS_END), "the guest's /proc/interrupts after continue");
      await run.release();
      expect(await run.done, run.err.slice(-2000)).toBe(0);
      expect(run.err.match(/stop at event #\d+: guest stopped [\d.]+ ms after the event/g)).toHaveLength(2);
      expect(readEvents(events).filter((e) => e.kind === 'Divergence')).toEqual([]);
    },
    BOOT_TIMEOUT_MS,
  );
});

describe.skipIf(!hasTestGuest && !required)('irqscope qemu refuses clearly and leaves nothing running', () => {
  it('QEMU not installed', async () => {
    const r = await runCli(['qemu', '--qemu', '/nonexistent/qemu-system-x86_64', '--', '-machine', 'q35']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/QEMU not found: '\/nonexistent\/qemu-system-x86_64' is not installed/);
  });

  it('trace events missing in the QEMU build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-fakeqemu-'));
    const fake = join(dir, 'qemu');
    writeFileSync(fake, '#!/bin/sh\necho pci_cfg_write\necho msix_write_config\n');
    chmodSync(fake, 0o755);
    const r = await runCli(['qemu', '--qemu', fake, '--', '-machine', 'q35']);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no trace events pci_cfg_read, memory_region_ops_read, memory_region_ops_write, apic_deliver_irq, ioapic_set_irq/);
  });

  it("QEMU exiting early: its stderr is shown", async () => {
    const r = await runCli(['qemu', '--qemu', QEMU_BIN, '--', '-machine', 'q35', '-device', 'no-such-device']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/QEMU exited \(status 1\) (before it connected|while irqscope attached):\n.*'no-such-device' is not a valid device model name/);
  });

  it('a guest that never enables MSI-X within --msix-timeout', async () => {
    const r = await runCli(['qemu', '--msix-timeout', '2', '--', '-machine', 'q35', '-accel', 'tcg', '-nodefaults', '-display', 'none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the guest did not enable MSI-X on any function within 2 s/);
  }, 60_000);

  it('options: QEMU arguments after --, a bad timeout, a bad breakpoint', async () => {
    expect((await runCli(['qemu', '-machine', 'q35'])).stderr).toMatch(/put QEMU's own arguments after '--'/);
    expect((await runCli(['qemu', '--msix-timeout', 'soon', '--'])).stderr).toMatch(/--msix-timeout: 'soon' is not a number/);
    const bad = await runCli(['qemu', '--break', 'unmask 00:02.0', '--', '-machine', 'q35', '-accel', 'tcg', '-nodefaults', '-display', 'none']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--break 'unmask 00:02.0': missing VECTORS/);
  }, 60_000);
});

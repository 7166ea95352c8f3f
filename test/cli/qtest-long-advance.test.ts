// A clock advance that runs long (the user raised --max-firings): it runs in slices
// with the event loop in between, reports progress on stderr (never into the replies),
// stops at Ctrl+C with a reply saying how far it got, and other clients are answered
// while it runs. The Ctrl+C tests signal a real `irqscope qtest` child process.
import { describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { PassThrough, Writable } from 'node:stream';
import { join } from 'node:path';
import { runCli } from './cli-harness';
import { main } from '../../src-main/cli/main';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { qtestTerminal } from '../../src-main/cli/qtest-terminal';
import { nicMsixOn } from '../session/nic-bring-up';

const BIN = join(__dirname, '../../bin/irqscope.mjs');
const PRESET = join(__dirname, '../../machines/virtio-net.json');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'irqscope-long-'));
const RAISED = ['--max-firings', '1000000000000'];

/** virtio-net with MSI-X on and vector 0 unmasked (every firing a delivery, one event each), then a source of about 1 GHz whose period is no whole ns. */
const BRING_UP = [
  ...nicMsixOn(0xfebd0000),
  'writel 0xfebd0000 0xfee01000',
  'writel 0xfebd0008 0x41',
  'writel 0xfebd000c 0x0',
  'source_start 00:03.0 0 999999937',
];

/** The preset with a short event log, so an events file of a long run stays small. */
function smallLogMachine(dir: string): string {
  const desc = JSON.parse(readFileSync(PRESET, 'utf8')) as Record<string, unknown>;
  desc.eventLogCapacity = 16;
  const path = join(dir, 'machine.json');
  writeFileSync(path, JSON.stringify(desc));
  return path;
}

/** A child's output, line by line, awaited until a line matches. */
class Output {
  text = '';
  private waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.text += chunk;
      this.waiters = this.waiters.filter((w) => {
        const line = this.lines().find((l) => w.re.test(l));
        if (line !== undefined) w.resolve(line);
        return line === undefined;
      });
    });
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
  /** The first complete line matching `re`. */
  line(re: RegExp): Promise<string> {
    const found = this.lines().find((l) => re.test(l));
    return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}

function spawnQtest(args: string[], cwd: string): { child: ChildProcessWithoutNullStreams; out: Output; err: Output; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'qtest', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: new Output(child.stdout), err: new Output(child.stderr), exited };
}

const PROGRESS = /^irqscope qtest: clock_step running \d+ s: at \d+ ns of \d+ ns, \d+ firings, [\d.]+ (M )?firings\/s \(Ctrl\+C stops it\)$/;
const INTERRUPTED = /^FAIL clock_step: interrupted by Ctrl\+C at (\d+) ns after (\d+) firings, short of (\d+) ns \(virtual time stays there\)$/;

describe('a long clock advance', () => {
  it('lets the event loop run while it runs: a timer fires during it, the reply comes once it is done', async () => {
    // About 0.5 to 2 s of firings: one call before the fix, with no turn for a timer between its first and last firing.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    /** Each reply written to stdout, with the timer's count then. */
    const writes: { text: string; ticks: number }[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        writes.push({ text: chunk.toString(), ticks });
        done();
      },
    });
    const stdin = new PassThrough();
    stdin.end('source_start 00:03.0 0 1000000000\nclock_step 20000000\nclock_step 1\n');
    const code = await main(['qtest', '--machine', 'virtio-net', ...RAISED], { stdin, stdout, stderr: new PassThrough(), cwd: process.cwd() });
    clearInterval(timer);
    expect(code).toBe(0);
    expect(writes.map((w) => w.text).join('')).toBe('OK\nOK 20000000\nOK 20000001\n');
    // The replies before the step went out before it ran; the timer ticked between them and the step's reply.
    const started = writes.find((w) => w.text === 'OK\n')!;
    const answered = writes.find((w) => w.text.startsWith('OK 20000000'))!;
    expect(answered.ticks - started.ticks).toBeGreaterThanOrEqual(5);
  });

  it('reports its progress on stderr about once a second and puts nothing but replies on stdout; Ctrl+C answers it with the time reached, which is the machine\'s time, and ends with 130', async () => {
    const dir = tmp();
    const { child, out, err, exited } = spawnQtest(['--machine', smallLogMachine(dir), ...RAISED, '--events', 'ev.jsonl'], dir);
    child.stdin.write([...BRING_UP, 'clock_step 100000000000', 'readl 0x0', ''].join('\n'));
    // Two progress lines: it has run two seconds, reporting as it goes.
    await err.line(/running 2 s/);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(err.lines().length).toBeGreaterThanOrEqual(2);
    for (const line of err.lines()) expect(line).toMatch(PROGRESS);
    const replies = out.lines();
    // Nothing after the interrupted line runs: the process ends as Ctrl+C ends it.
    expect(replies.slice(0, BRING_UP.length)).toEqual(BRING_UP.map(() => 'OK'));
    expect(replies).toHaveLength(BRING_UP.length + 1);
    const [, at, firings, target] = INTERRUPTED.exec(replies.at(-1)!)!.map(Number);
    expect(target).toBe(100_000_000_000);
    expect(firings).toBeGreaterThan(0);
    expect(at).toBeLessThan(target!);

    // The machine stayed where the reply says: the same bring-up, advanced to that time
    // in one call, logs the same number of events with the same last one.
    const [header, ...events] = readFileSync(join(dir, 'ev.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const built = loadMachineText(readFileSync(join(dir, 'machine.json'), 'utf8'));
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const reference = built.machine;
    const q = new QtestSession(reference);
    for (const line of BRING_UP) q.execute(line);
    const before = reference.log.total;
    expect(q.execute(`clock_set ${at}`)).toBe(`OK ${at}`);
    expect(reference.log.total - before).toBe(firings);
    expect(header).toMatchObject({ type: 'log', total: reference.log.total });
    expect(events.at(-1)).toMatchObject({ kind: 'NotifyDelivered', timeNs: at, seq: reference.log.total - 1 });
  }, 30_000);

  it('a first Ctrl+C stops the pumps at their next slice; a second, before they have, ends the process at once', () => {
    const before = process.listeners('SIGINT');
    const terminal = qtestTerminal(new PassThrough(), 'irqscope qtest');
    const handler = process.listeners('SIGINT').find((l) => !before.includes(l))!;
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    try {
      expect(terminal.signalStatus()).toBeNull();
      handler('SIGINT');
      expect(terminal.pump.signal.reason).toBe('Ctrl+C');
      expect(terminal.signalStatus()).toBe(130);
      expect(exit).not.toHaveBeenCalled();
      handler('SIGINT');
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      exit.mockRestore();
      terminal.dispose();
    }
    expect(process.listeners('SIGINT')).toEqual(before);
  });

  it('over --socket, a second client is answered while the first one\'s clock_step runs, and its own clock_step waits its turn', async () => {
    const dir = tmp();
    const path = join(dir, 'q.sock');
    const served = runCli(['qtest', '--machine', 'virtio-net', '--socket', path, '--once', ...RAISED]);
    for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
    const open = async (): Promise<{ sock: Socket; lines: Output }> => {
      const sock = connect(path);
      await new Promise<void>((r) => sock.once('connect', () => r()));
      return { sock, lines: new Output(sock) };
    };
    const a = await open();
    // Half a second or more of firings.
    a.sock.write('source_start 00:03.0 0 1000000000\nclock_step 30000000\n');
    await a.lines.line(/^OK$/);
    const b = await open();
    b.sock.write('writel 0x40 0x5\nreadl 0x40\nclock_step 1\n');
    const readBack = await b.lines.line(/^OK 0x/);
    // A's clock_step is still running: it has not answered yet.
    expect(a.lines.lines()).toEqual(['OK']);
    expect(readBack).toBe('OK 0x0000000000000005');
    expect(await a.lines.line(/^OK \d+$/)).toBe('OK 30000000');
    // B's step ran after A's, from where A's left the clock.
    expect(await b.lines.line(/^OK \d+$/)).toBe('OK 30000001');
    expect(b.lines.lines()).toEqual(['OK', 'OK 0x0000000000000005', 'OK 30000001']);
    b.sock.end();
    a.sock.end();
    expect((await served).code).toBe(0);
  }, 30_000);

  it('a --socket server stopped by Ctrl+C answers the running clock_step, removes its socket and exits 0', async () => {
    const dir = tmp();
    const path = join(dir, 'q.sock');
    const { child, err, exited } = spawnQtest(['--machine', 'virtio-net', '--socket', path, ...RAISED], dir);
    await err.line(/listening on/);
    const sock = connect(path);
    const replies = new Output(sock);
    sock.write([...BRING_UP, 'clock_step 100000000000', ''].join('\n'));
    await err.line(/running 1 s/);
    child.kill('SIGINT');
    expect(await replies.line(/^FAIL/)).toMatch(INTERRUPTED);
    expect(await exited).toBe(0);
    expect(existsSync(path)).toBe(false);
  }, 30_000);
});

// Starting the user's QEMU with what irqscope needs, and refusing clearly when it
// cannot: QEMU missing, trace events missing from its build, QEMU exiting before it
// connects (its stderr shown). Nothing is left running on any of these paths.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants as fsConstants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACE_EVENTS } from './trace-line';
import { onLines } from './socket-lines';

export class QemuLaunchError extends Error {}

/** How long QEMU may take to connect its qtest and QMP sockets. */
const CONNECT_TIMEOUT_MS = 30_000;
/** The end of QEMU's stderr kept for an error message. */
const STDERR_KEEP = 8192;

/** Checks `bin` runs and its trace backend knows every event irqscope enables. */
export function checkQemu(bin: string): void {
  const help = spawnSync(bin, ['-trace', 'help'], { encoding: 'utf8', timeout: 15_000 });
  if (help.error !== undefined) {
    const code = (help.error as NodeJS.ErrnoException).code;
    throw new QemuLaunchError(code === 'ENOENT' ? `QEMU not found: '${bin}' is not installed or not on PATH (Debian: apt-get install qemu-system-x86; or pass --qemu BIN)` : `cannot run '${bin}': ${help.error.message}`);
  }
  const listed = new Set(`${help.stdout}\n${help.stderr}`.split('\n').map((l) => l.trim()));
  const missing = TRACE_EVENTS.filter((e) => !listed.has(e));
  if (missing.length > 0) {
    throw new QemuLaunchError(`'${bin}' has no trace event${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (its -trace help does not list ${missing.length === 1 ? 'it' : 'them'}): irqscope needs a QEMU built with the log trace backend, such as Debian's qemu-system-x86`);
  }
}

/** The arguments irqscope adds after the user's: stopped at start (the scan runs first), both sockets, the traces into a FIFO. */
export function attachArgs(qtestPath: string, qmpPath: string, tracePath: string): string[] {
  return ['-S', '-qtest', `unix:${qtestPath}`, '-qtest-log', '/dev/null', '-qmp', `unix:${qmpPath}`, '-msg', 'timestamp=on', ...TRACE_EVENTS.flatMap((e) => ['-trace', e]), '-D', tracePath];
}

/** Written into the FIFO after QEMU exits: everything before it has been read. */
const TRACE_END = 'irqscope: end of trace';

/**
 * QEMU's trace log through a FIFO: nothing is stored, and QEMU waits rather than
 * loses a line when irqscope falls behind. irqscope holds the FIFO open read-write, so
 * opening never blocks and QEMU's close is no end of file; after QEMU exits, a marker
 * line written behind QEMU's last one says the trace has been read to its end.
 */
export function followFifo(path: string): { lines: (each: (line: string) => void) => void; end: () => Promise<void> } {
  execFileSync('mkfifo', ['-m', '600', path]);
  const fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_NONBLOCK);
  const stream = new Socket({ fd, readable: true, writable: false });
  let consumer: (line: string) => void = () => undefined;
  let ended: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (ended = resolve));
  onLines(stream, (line) => {
    if (line !== TRACE_END) consumer(line);
    else {
      stream.destroy();
      ended();
    }
  });
  return {
    lines: (each) => (consumer = each),
    end: () => {
      let w: number;
      try {
        w = openSync(path, fsConstants.O_WRONLY);
      } catch (err) {
        // Closing the attachment removes its folder: QEMU exiting after that has nobody left to tell.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        stream.destroy();
        ended();
        return done;
      }
      writeSync(w, `${TRACE_END}\n`);
      closeSync(w);
      return done;
    },
  };
}

export interface LaunchedQemu {
  child: ChildProcess;
  qtest: Socket;
  qmp: Socket;
  /** Where each line of the trace log goes (lines before the call wait in the FIFO). */
  traceLines: (each: (line: string) => void) => void;
  /** Resolves with QEMU's exit status (128+N for signal N), after its output has been read. */
  exited: Promise<number>;
  /** QEMU's stderr so far (the end of it). */
  stderr: () => string;
  /** Removes the sockets' directory. */
  cleanup: () => void;
}

function listen(path: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

export async function launchQemu(bin: string, userArgs: readonly string[], forwardStdout: (chunk: Buffer) => void, forwardStderr: (chunk: Buffer) => void): Promise<LaunchedQemu> {
  checkQemu(bin);
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-qemu-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const qtestPath = join(dir, 'qtest.sock');
  const qmpPath = join(dir, 'qmp.sock');
  const servers = [await listen(qtestPath), await listen(qmpPath)];
  const accepted = servers.map((s) => new Promise<Socket>((resolve) => s.once('connection', resolve)));
  const trace = followFifo(join(dir, 'trace.fifo'));
  const child = spawn(bin, [...userArgs, ...attachArgs(qtestPath, qmpPath, join(dir, 'trace.fifo'))], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout!.on('data', forwardStdout);
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-STDERR_KEEP);
    forwardStderr(d);
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      void trace.end().then(() => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
    });
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const [qtest, qmp] = await Promise.race([
      Promise.all(accepted),
      exited.then((status) => {
        throw new QemuLaunchError(`QEMU exited (status ${status}) before it connected:\n${stderr.trim() || '(no output on stderr)'}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new QemuLaunchError(`QEMU did not connect its qtest and QMP sockets within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
    return { child, qtest: qtest!, qmp: qmp!, traceLines: trace.lines, exited, stderr: () => stderr, cleanup };
  } catch (err) {
    child.kill('SIGKILL');
    await exited.catch(() => undefined);
    cleanup();
    throw err;
  } finally {
    clearTimeout(timer);
    for (const s of servers) s.close();
  }
}

// `irqscope <command> …`: the command table. Each command lives in its own module, loaded only
// when it runs, so a command starts without paying for the others (the web host, exports, …).
import { UsageError, type CliCommand, type CliIo } from './cli-io';

const MACHINE = '  --machine FILE|PRESET  a machine file, or a preset in machines/ (virtio-net, e1000e, nvme)';
const lines = (...text: string[]) => async (): Promise<string> => text.join('\n');

interface CommandEntry {
  load: () => Promise<CliCommand>;
  summary: string;
  /** What `irqscope <command> --help` prints: the synopsis, then one line per option (loaded, like the command, only when asked). */
  usage: () => Promise<string>;
}

const COMMANDS: Record<string, CommandEntry> = {
  qtest: {
    load: async () => (await import('./qtest-command')).qtestCommand,
    summary: 'drive a machine with QEMU qtest commands (stdin, a file, --socket PATH or --connect PATH)',
    usage: lines(
      'usage: irqscope qtest --machine FILE|PRESET [SCRIPT|-] [--socket PATH [--once] | --connect PATH] [--events FILE] [--max-firings N]',
      MACHINE,
      '  SCRIPT                qtest lines to run (default: standard input)',
      '  --socket PATH         serve the protocol on a unix socket instead, to any number of clients',
      '  --once                with --socket: stop after the first client',
      "  --connect PATH        join a harness listening on PATH, as QEMU's -qtest unix:PATH does",
      '  --events FILE         write the event log as JSON lines when done',
      '  --max-firings N       interval-source firings one clock advance may run (default 20,000,000)',
      'A long advance reports its progress on stderr once a second; Ctrl+C stops it where it is,',
      'answers its line with the time reached, and ends the command (a second Ctrl+C: at once).',
    ),
  },
  'qemu-compat': {
    load: async () => (await import('./qemu-compat-command')).qemuCompatCommand,
    summary: 'stand in for qemu-system-x86_64 under a qtest harness (libqtest, QEMUQtestMachine)',
    usage: lines(
      'usage: irqscope qemu-compat QEMU-OPTIONS…   (or bin/irqscope-qemu.mjs as QTEST_QEMU_BINARY)',
      '  takes the command line libqtest and QEMUQtestMachine pass: -qtest unix:PATH, -qtest-log,',
      '  -chardev socket,path=…,id=… with -mon chardev=…,mode=control or -qmp unix:…, -machine q35,',
      '  -accel qtest|tcg, -S, -nodefaults, -display none, -device e1000e|virtio-net-pci|nvme,…',
      '  and answers QMP: qmp_capabilities, query-status, stop, cont, system_reset, quit',
    ),
  },
  web: {
    load: async () => (await import('./web-command')).webCommand,
    summary: 'serve the app to a browser on 127.0.0.1 (--machine FILE, --port N, --qemu -- QEMU-ARGS…)',
    usage: lines(
      'usage: irqscope web [--machine FILE|PRESET | --session FILE] [--script FILE] [--port N]',
      '       irqscope web --qemu [--qemu-binary BIN] [--break SPEC]… [--msix-timeout S] [--port N] -- QEMU-ARGS…',
      '  the desktop app in a browser (no Electron needed); prints a URL with an access token',
      `${MACHINE} (default: virtio-net)`,
      '  --session FILE        open a saved session; --script FILE runs a qtest bring-up first',
      '  --port N              the port on 127.0.0.1 (default 0: a free one)',
      '  --qemu                run your QEMU with irqscope attached (as irqscope qemu) and show the real guest;',
      "                        the guest's serial console goes to stderr; the page's Attach to QEMU… can start another",
      '  --qemu-binary BIN     the QEMU to run (default qemu-system-x86_64 from PATH)',
    ),
  },
  lspci: {
    load: async () => (await import('./lspci-command')).lspciCommand,
    summary: "list a machine's devices as lspci does (-v/-vv/-vvv, -x/-xxx/-xxxx, -s BDF)",
    usage: lines(
      'usage: irqscope lspci --machine FILE|PRESET [-s BDF] [-D] [-v|-vv|-vvv] [-x|-xxx|-xxxx]',
      MACHINE,
      '  -s BDF                only the device at that address (00:03.0 in every domain, 0001:00:03.0 in one)',
      '  -D                    always print the PCI domain (printed anyway once a function is outside 0000)',
      '  -v, -vv, -vvv         verbose, as lspci',
      '  -x, -xxx, -xxxx       hex dump of the first 64, 256 or 4096 bytes of config space',
    ),
  },
  setpci: {
    load: async () => (await import('./setpci-command')).setpciCommand,
    summary: "read and write config registers with setpci's syntax",
    usage: async () =>
      [
        'usage: irqscope setpci --machine FILE|PRESET [setpci arguments…]   e.g. -s 00:03.0 COMMAND=0x6 CAP_MSIX+2.w=0x8000:0xc000 0x84.l',
        MACHINE,
        "the rest is pciutils' setpci:",
        ...(await import('../../src-shared/pci-text/setpci')).SETPCI_USAGE,
      ].join('\n'),
  },
  import: {
    load: async () => (await import('./import-command')).importCommand,
    summary: 'turn lspci -xxx dumps or sysfs config files into a machine file',
    usage: async () => (await import('./import-command')).USAGE,
  },
  session: {
    load: async () => (await import('./session-command')).sessionCommand,
    summary: 'save, open or describe a session file (machine, state, timeline, breakpoints)',
    usage: async () => (await import('./session-command')).USAGE,
  },
  qemu: {
    load: async () => (await import('./qemu-command')).qemuCommand,
    summary: 'run your QEMU with irqscope attached: -- QEMU-ARGS… (--events FILE, --break SPEC, --qemu BIN)',
    usage: lines(
      'usage: irqscope qemu [--events FILE] [--break SPEC]… [--qemu BIN] [--msix-timeout S] [--save-trace LOG] -- QEMU-ARGS…',
      "  runs your QEMU (qemu-system-x86_64 from PATH) with a qtest and a QMP socket and QEMU's trace, checked by irqscope's model",
      '  --events FILE         write the events as JSON lines (as irqscope qtest --events)',
      "  --break SPEC          a qtest break spec ('unmask 00:02.0 0'); a hit stops the guest through QMP",
      '  --qemu BIN            the QEMU binary (default qemu-system-x86_64)',
      '  --msix-timeout S      give up when no function enables MSI-X within S seconds (default 120; 0: no limit)',
      '  --save-trace LOG      keep the trace log, for irqscope import-trace',
    ),
  },
  'import-trace': {
    load: async () => (await import('./import-trace-command')).importTraceCommand,
    summary: 'turn a QEMU trace log into a machine file and a qtest replay script',
    usage: lines(
      'usage: irqscope import-trace LOG [-o MACHINE.json] [--script OUT.qtest]',
      "  LOG                   a log of QEMU's -trace options (see the README's Offline: import-trace)",
      '  -o MACHINE.json       the machine file to write',
      '  --script OUT.qtest    the replay script to write',
    ),
  },
  export: {
    load: async () => (await import('./export-command')).exportCommand,
    summary: 'export a timeline as VCD, a Perfetto trace (protobuf or JSON) or CSV',
    usage: lines(
      'usage: irqscope export --format vcd|perfetto|perfetto-json|csv (--session IN | --machine FILE|PRESET [--script FILE|-]) [--out FILE] [--axis ns|seq] [--filter EXPR]',
      '  --format              vcd: GTKWave/Surfer; perfetto: native Perfetto trace (.pftrace); perfetto-json: Chrome trace JSON; csv',
      '  --session IN          a saved session file',
      `${MACHINE}; with --script, the timeline after that qtest script`,
      '  --out FILE            where to write (default: standard output)',
      '  --axis ns|seq         time axis: virtual nanoseconds (default) or event numbers (perfetto, perfetto-json)',
      "  --filter EXPR         only these events (Wireshark's display filter syntax: 'vector == 3 && kind == pended');",
      '                        mask and pending levels still follow every event',
    ),
  },
  diff: {
    load: async () => (await import('./diff-command')).diffCommand,
    summary: 'align two runs (sessions or --events files): first divergence and a summary',
    usage: async () => (await import('./diff-command')).USAGE,
  },
  doctor: {
    load: async () => (await import('./doctor-command')).doctorCommand,
    summary: 'lint a run (session, machine + script, or --events file) for bring-up mistakes',
    usage: lines(
      'usage: irqscope doctor (--session FILE | --machine FILE|PRESET [--script FILE|-] | --events FILE) [--json]',
      '  the bring-up mistakes in a run, one line each; exits 1 when any is an error',
      '  --session FILE        a saved session',
      `${MACHINE}; with --script, the run of that qtest script`,
      '  --events FILE         an --events JSON-lines file of irqscope qtest',
      '  --json                the findings as JSON',
    ),
  },
};

const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';

export async function main(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(11)} ${c.summary}`)
      .join('\n');
    const asked = name !== undefined && isHelp(name);
    const text = `usage: irqscope <command> [options]   (irqscope <command> --help for its options)\n${list}\n`;
    if (asked) io.stdout.write(text);
    else io.stderr.write(`${name === undefined ? '' : `irqscope: unknown command '${name}'\n`}${text}`);
    return asked ? 0 : 2;
  }
  // Every command answers --help, wherever it appears among its arguments.
  if (rest.some(isHelp)) {
    io.stdout.write(`${await command.usage()}\n`);
    return 0;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`irqscope ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

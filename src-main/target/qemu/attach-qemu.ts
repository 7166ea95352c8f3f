// Attaching a QEMU target: QEMU started with the user's arguments under irqscope's
// attachment (src-main/qemu/qemu-attach.ts), wrapped as a Target. What the app's
// File ▸ Attach to QEMU… and `irqscope web --qemu -- …` call.
import { AttachError, QemuAttachment, QemuLaunchError } from '../../qemu/qemu-attach';
import { DEFAULT_MSIX_TIMEOUT_S } from '../../operations/limits';
import type { Target } from '../target';
import { QemuTarget } from './qemu-target';

export interface QemuAttachOptions {
  /** The QEMU binary (default `qemu-system-x86_64` from PATH). */
  qemu?: string;
  args: readonly string[];
  /** `break` specs set before the guest runs. */
  breaks?: readonly string[];
  msixTimeoutS?: number;
  /** irqscope's messages, and QEMU's own output (the guest's serial console). */
  say: (line: string) => void;
  output: (chunk: Buffer) => void;
  /** Called with QEMU's exit status when it ends. */
  onExit?: (status: number) => void;
}

/** Arguments that make QEMU run another program: an app request must not start one. */
const RUNS_A_PROGRAM = /(^|,)(script|downscript)=|^-(run-with|plugin)$/;

export async function attachQemu(options: QemuAttachOptions): Promise<{ ok: true; target: Target } | { ok: false; error: string }> {
  const runs = options.args.find((a) => RUNS_A_PROGRAM.test(a));
  if (runs !== undefined) return { ok: false, error: `'${runs}' would make QEMU run another program; irqscope does not start that for the app` };
  try {
    const attachment = await QemuAttachment.start({
      qemu: options.qemu ?? 'qemu-system-x86_64',
      qemuArgs: options.args,
      breaks: options.breaks ?? [],
      msixTimeoutS: options.msixTimeoutS ?? DEFAULT_MSIX_TIMEOUT_S,
      say: options.say,
      stdout: options.output,
      stderr: options.output,
    });
    if (options.onExit !== undefined) void attachment.exited.then(options.onExit);
    return { ok: true, target: new QemuTarget(attachment) };
  } catch (err) {
    if (err instanceof QemuLaunchError || err instanceof AttachError) return { ok: false, error: err.message };
    throw err;
  }
}

/** A QEMU command line as a shell splits it: words on blanks, '…' and "…" keep blanks, \ escapes. */
export function commandLineWords(line: string): { ok: true; words: string[] } | { ok: false; error: string } {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]!;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i]!;
    else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (quote !== null) return { ok: false, error: `an unclosed ${quote} quote` };
  if (word !== null) words.push(word);
  return { ok: true, words };
}

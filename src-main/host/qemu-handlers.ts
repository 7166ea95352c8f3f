// File ▸ Attach to QEMU…: the QEMU command line the user typed in the app's dialog
// becomes the session's target. The host decides whether it may (the Electron shell
// and `irqscope web --qemu` let it; a plain `irqscope web` does not) and how QEMU's
// output and messages are shown.
import { RequestError, type Handlers, type TargetSwap } from './handler-kit';
import { commandLineWords } from '../target/qemu/attach-qemu';
import type { Target } from '../target/target';

/** Starts QEMU with these arguments under irqscope; refused with why. */
export type QemuAttacher = (args: readonly string[]) => Promise<{ ok: true; target: Target } | { ok: false; error: string }>;

export function qemuHandlers(session: TargetSwap, attach: QemuAttacher | undefined): Pick<Handlers, 'attachQemu'> {
  return {
    attachQemu: async ({ commandLine }) => {
      if (attach === undefined) throw new RequestError('', 'this host does not attach to QEMU (start it as `irqscope web --qemu -- QEMU-ARGS…`, or use the desktop app)');
      const words = commandLineWords(commandLine);
      if (!words.ok) throw new RequestError('commandLine', words.error);
      // The first word may name the binary, as a command line copied from a shell does.
      const args = words.words[0]?.startsWith('-') === false ? words.words.slice(1) : words.words;
      if (args.length === 0) throw new RequestError('commandLine', "expected QEMU's arguments, e.g. -machine q35 -accel tcg -kernel vmlinuz …");
      const attached = await attach(args);
      if (!attached.ok) throw new RequestError('commandLine', `${attached.error} (the running machine is unchanged)`);
      session.replace({ target: attached.target, name: attached.target.name ?? 'QEMU guest', preset: null });
      return session.status();
    },
  };
}

// Everything a transport adapts: the session with its first machine, the validated
// request door, and the runner that moves virtual time. Electron, the web host,
// the tests and the benches all start here.
import { openMachineText } from '../target/simulated/open-simulated';
import { MachineSession, type LoadedTarget } from './machine-session';
import type { Target } from '../target/target';
import type { QemuAttacher } from './qemu-handlers';
import { DEFAULT_PUMP_LIMITS, type PumpLimits } from '../operations/limits';
import { MachineRunner, type RunnerOptions } from './machine-runner';
import { createDispatch, type Dispatch } from './dispatch';
import { createHandlers } from './request-handlers';
import type { PresetLibrary } from './presets';

export interface AppHost {
  session: MachineSession;
  dispatch: Dispatch;
  runner: MachineRunner;
  presets: PresetLibrary;
}

export type InitialMachine = { source: 'preset'; preset: string } | { source: 'text'; text: string; fileName: string } | { source: 'target'; target: Target; name: string };

export interface AppHostOptions {
  presets: PresetLibrary;
  initial: InitialMachine;
  runner?: Partial<RunnerOptions>;
  pump?: Partial<PumpLimits>;
  onInternalError?: (err: unknown) => void;
  /** Lets the app attach to a QEMU (File ▸ Attach to QEMU…); without it the request is refused. */
  attach?: QemuAttacher;
}

export function createAppHost(options: AppHostOptions): { ok: true; host: AppHost } | { ok: false; error: string } {
  const { initial, presets } = options;
  const first = firstTarget(initial, presets);
  if (!first.ok) return first;
  const session = new MachineSession(first.loaded, { ...DEFAULT_PUMP_LIMITS, ...options.pump });
  const dispatch = createDispatch(createHandlers({ session, presets, attach: options.attach }), options.onInternalError);
  const runner = new MachineRunner(session, options.runner);
  return { ok: true, host: { session, dispatch, runner, presets } };
}

function firstTarget(initial: InitialMachine, presets: PresetLibrary): { ok: true; loaded: LoadedTarget } | { ok: false; error: string } {
  if (initial.source === 'target') return { ok: true, loaded: { target: initial.target, name: initial.name, preset: null } };
  const text = initial.source === 'preset' ? presets.read(initial.preset) : initial.text;
  const label = initial.source === 'preset' ? `preset '${initial.preset}'` : initial.fileName;
  if (text === undefined) return { ok: false, error: `no preset named '${initial.source === 'preset' ? initial.preset : ''}'` };
  const built = openMachineText(text);
  if (!built.ok) return { ok: false, error: `${label}: ${built.errors.join('; ')}` };
  return { ok: true, loaded: { target: built.target, name: built.target.name ?? label, preset: initial.source === 'preset' ? initial.preset : null } };
}

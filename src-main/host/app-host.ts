// Everything a transport adapts: the session with its first machine, the validated
// request door, and the runner that moves virtual time. Electron, the web host,
// the tests and the benches all start here.
import { openMachineText } from '../target/simulated/open-simulated';
import { MachineSession } from './machine-session';
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

export type InitialMachine = { source: 'preset'; preset: string } | { source: 'text'; text: string; fileName: string };

export interface AppHostOptions {
  presets: PresetLibrary;
  initial: InitialMachine;
  runner?: Partial<RunnerOptions>;
  pump?: Partial<PumpLimits>;
  onInternalError?: (err: unknown) => void;
}

export function createAppHost(options: AppHostOptions): { ok: true; host: AppHost } | { ok: false; error: string } {
  const { initial, presets } = options;
  const text = initial.source === 'preset' ? presets.read(initial.preset) : initial.text;
  const label = initial.source === 'preset' ? `preset '${initial.preset}'` : initial.fileName;
  if (text === undefined) return { ok: false, error: `no preset named '${initial.source === 'preset' ? initial.preset : ''}'` };
  const built = openMachineText(text);
  if (!built.ok) return { ok: false, error: `${label}: ${built.errors.join('; ')}` };
  const session = new MachineSession(
    {
      target: built.target,
      name: built.target.name ?? label,
      preset: initial.source === 'preset' ? initial.preset : null,
    },
    { ...DEFAULT_PUMP_LIMITS, ...options.pump },
  );
  const dispatch = createDispatch(createHandlers({ session, presets }), options.onInternalError);
  const runner = new MachineRunner(session, options.runner);
  return { ok: true, host: { session, dispatch, runner, presets } };
}

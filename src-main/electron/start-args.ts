// What the app's command line asks to start from (`npm start -- --session S --script F`,
// or the packaged binary's arguments): Electron's own and Chromium's switches pass by.
import type { StartFrom } from '../host/start-from';

const OPTIONS = { '--session': 'session', '--script': 'script' } as const;

export function parseStartArgs(argv: readonly string[]): { ok: true; from: StartFrom } | { ok: false; error: string } {
  const from: StartFrom = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(name in OPTIONS)) continue;
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { ok: false, error: `${name}: expected a file after it` };
    from[OPTIONS[name as keyof typeof OPTIONS]] = value;
  }
  return { ok: true, from };
}

// The preset machines shipped in machines/*.json. A preset is named by its file's
// base name; only names found in the folder are read, so a name is never a path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PresetInfo } from '../../src-shared/ipc/contract';

export interface PresetLibrary {
  list(): PresetInfo[];
  /** The preset's text, or undefined when there is no preset of that name. */
  read(name: string): string | undefined;
}

export const DEFAULT_PRESET = 'virtio-net';

export function folderPresets(dir: string): PresetLibrary {
  const names = (): string[] =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  return {
    list: () =>
      names().map((name) => {
        let title = name;
        try {
          const parsed = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { name?: unknown };
          if (typeof parsed.name === 'string') title = parsed.name;
        } catch {
          // A broken preset still lists by its file name; loading it reports the error.
        }
        return { name, title };
      }),
    read: (name) => (names().includes(name) ? readFileSync(join(dir, `${name}.json`), 'utf8') : undefined),
  };
}

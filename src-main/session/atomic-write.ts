// Writes a file so that a reader (or a crash) sees either the old content or the
// new, never a mix: the data goes to a temporary file in the same directory, is
// flushed to disk, and only then renamed over the target; the directory is flushed
// so the rename itself survives a power cut. The temporary file is hidden (a dot
// name) and must sit beside the target for the rename to be atomic; one a killed
// save left behind is removed by the next save of the same file.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteSteps {
  /** The commit step; tests replace it to fail (or crash) between the flush and the rename. */
  rename(from: string, to: string): void;
}

const NODE_STEPS: AtomicWriteSteps = { rename: renameSync };

export function writeFileAtomic(path: string, data: Uint8Array, steps: AtomicWriteSteps = NODE_STEPS): void {
  const file = openAtomic(path, steps);
  try {
    file.write(data);
  } catch (err) {
    file.discard();
    throw err;
  }
  file.commit();
}

/** A file written in pieces that appears at its path, whole, only at commit. */
export interface AtomicFile {
  write(data: Uint8Array): void;
  /** Flushes, renames over the target; on failure nothing is left behind and the error is thrown. */
  commit(): void;
  /** Abandons the file: the target is untouched. */
  discard(): void;
}

export function openAtomic(path: string, steps: AtomicWriteSteps = NODE_STEPS): AtomicFile {
  const dir = dirname(path);
  removeStaleTemps(dir, basename(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = openSync(temp, 'wx', 0o644);
  const close = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  const discard = (): void => {
    try {
      close();
    } finally {
      rmSync(temp, { force: true });
    }
  };
  return {
    write: (data) => {
      if (fd === null) throw new Error(`${path}: written after commit or discard`);
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
    },
    commit: () => {
      try {
        if (fd === null) throw new Error(`${path}: committed after commit or discard`);
        fsyncSync(fd);
        close();
        steps.rename(temp, path);
      } catch (err) {
        discard();
        throw err;
      }
      syncDirectory(dir);
    },
    discard,
  };
}

/** A temp file older than this is stale even if its pid is alive again (pids are reused). */
const STALE_MS = 24 * 3600 * 1000;

/** Removes earlier saves' temp files for `name` whose process is gone (or that are a day old). */
function removeStaleTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // the write itself will report a missing directory
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(entry.slice(prefix.length));
    if (m === null) continue;
    const file = join(dir, entry);
    try {
      if (processAlive(Number(m[1])) && Date.now() - statSync(file).mtimeMs < STALE_MS) continue;
      rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to remove: the save goes on
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user holds that pid; it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // some platforms cannot open a directory; the rename is as durable as they allow
  }
  try {
    fsyncSync(fd);
  } catch {
    // fsync on a directory is refused on some file systems; nothing more can be done there
  } finally {
    closeSync(fd);
  }
}

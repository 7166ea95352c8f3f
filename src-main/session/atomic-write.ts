// Writes a file so that a reader (or a crash) sees either the old content or the
// new, never a mix: the data goes to a temporary file in the same directory, is
// flushed to disk, and only then renamed over the target; the directory is flushed
// so the rename itself survives a power cut.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteSteps {
  /** The commit step; tests replace it to fail (or crash) between the flush and the rename. */
  rename(from: string, to: string): void;
}

const NODE_STEPS: AtomicWriteSteps = { rename: renameSync };

export function writeFileAtomic(path: string, data: Uint8Array, steps: AtomicWriteSteps = NODE_STEPS): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    steps.rename(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  syncDirectory(dir);
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

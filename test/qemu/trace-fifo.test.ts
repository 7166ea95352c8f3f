// The trace FIFO QEMU writes into: its end marker, and a QEMU that exits after the
// attachment has closed and removed the FIFO's folder.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followFifo } from '../../src-main/qemu/qemu-launch';

describe('the trace FIFO', () => {
  it('hands over every line written before the end marker, then ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-fifo-'));
    const fifo = followFifo(join(dir, 'trace.fifo'));
    const lines: string[] = [];
    fifo.lines((l) => lines.push(l));
    const w = openSync(join(dir, 'trace.fifo'), constants.O_WRONLY);
    writeSync(w, 'pci_cfg_write a\nmsix_write_config b\n');
    closeSync(w);
    await fifo.end();
    expect(lines).toEqual(['pci_cfg_write a', 'msix_write_config b']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends quietly when its folder is already gone (QEMU exiting after the attachment closed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-fifo-'));
    const fifo = followFifo(join(dir, 'trace.fifo'));
    rmSync(dir, { recursive: true, force: true });
    await expect(fifo.end()).resolves.toBeUndefined();
  });
});

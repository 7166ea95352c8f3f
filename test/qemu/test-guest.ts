// The test guest: Debian's kernel, an initramfs built here from busybox-static and the
// installed kernel's e1000e module, booted in QEMU TCG on q35 with an e1000e.
// Its init loads the driver, brings the link up, waits for interrupts, prints
// /proc/interrupts between markers on the serial console, then waits until the test
// writes 0x5a into the host bridge's Interrupt Line register (a qtest poke the guest
// reads through sysfs) or 30 s pass, and powers off.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest installed kernel that has its modules (Debian's linux-image-amd64 moves on). */
function installedKernel(): string {
  const versions = existsSync('/boot') ? readdirSync('/boot').flatMap((f) => (f.startsWith('vmlinuz-') ? [f.slice('vmlinuz-'.length)] : [])) : [];
  const usable = versions.filter((v) => existsSync(`/lib/modules/${v}`));
  return usable.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) ?? 'none';
}

export const KERNEL_VERSION = installedKernel();
export const KERNEL = `/boot/vmlinuz-${KERNEL_VERSION}`;
const MODULE = `/lib/modules/${KERNEL_VERSION}/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko`;
const BUSYBOX = '/bin/busybox';
export const QEMU_BIN = '/usr/bin/qemu-system-x86_64';
export const hasTestGuest = [KERNEL, BUSYBOX, QEMU_BIN, '/usr/bin/cpio'].every(existsSync) && (existsSync(MODULE) || existsSync(`${MODULE}.xz`));

export const INTERRUPTS_BEGIN = 'IRQSCOPE-INTERRUPTS-BEGIN';
export const INTERRUPTS_END = 'IRQSCOPE-INTERRUPTS-END';
/** The qtest lines that let the guest power off. */
export const RELEASE_GUEST = ['outl 0xcf8 0x8000003c', 'outb 0xcfc 0x5a'];

const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
insmod /e1000e.ko
ip link set eth0 up
sleep 3
echo ${INTERRUPTS_BEGIN}
cat /proc/interrupts
echo ${INTERRUPTS_END}
i=0
while [ $i -lt 30 ] && [ "$(od -An -tx1 -j60 -N1 /sys/bus/pci/devices/0000:00:00.0/config)" != " 5a" ]; do sleep 1; i=$((i+1)); done
poweroff -f
`;

/** Builds the initramfs into a new temporary directory; returns its path and a cleanup. */
export function buildInitramfs(): { path: string; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-guest-'));
  const root = join(dir, 'root');
  for (const d of ['bin', 'dev', 'proc', 'sys']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  if (existsSync(MODULE)) copyFileSync(MODULE, join(root, 'e1000e.ko'));
  else writeFileSync(join(root, 'e1000e.ko'), execFileSync('xz', ['-dc', `${MODULE}.xz`], { maxBuffer: 64 << 20 }));
  writeFileSync(join(root, 'init'), INIT);
  chmodSync(join(root, 'init'), 0o755);
  const list = ['.', 'bin', 'bin/busybox', 'dev', 'proc', 'sys', 'init', 'e1000e.ko'].join('\n') + '\n';
  const cpio = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: list, maxBuffer: 64 << 20 });
  const path = join(dir, 'initrd.cpio');
  writeFileSync(path, cpio);
  return { path, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** QEMU's arguments for the guest (the e1000e at 00:02.0, as the breakpoint tests name it). */
export function guestArgs(initrd: string): string[] {
  return ['-machine', 'q35', '-accel', 'tcg', '-m', '256', '-vga', 'none', '-nographic', '-no-reboot', '-kernel', KERNEL, '-initrd', initrd, '-append', 'console=ttyS0 quiet panic=-1', '-netdev', 'user,id=n0', '-device', 'e1000e,netdev=n0,addr=02.0,romfile='];
}

/** The guest's /proc/interrupts counts of its eth0 MSI-X vectors, by vector number within the device (PCI-MSI hwirq low bits). */
export function guestMsixCounts(serial: string): Map<number, number> {
  const begin = serial.indexOf(INTERRUPTS_BEGIN);
  const end = serial.indexOf(INTERRUPTS_END);
  const counts = new Map<number, number>();
  if (begin < 0 || end < begin) return counts;
  for (const line of serial.slice(begin, end).split('\n')) {
    // " 24:          2   PCI-MSI 32768-edge      eth0-rx-0": hwirq = (bdf << 11) | vector.
    const m = /^\s*\d+:\s+(\d+)\s+PCI-MSI\s+(\d+)-edge\s+eth0/.exec(line);
    if (m !== null) counts.set(Number(m[2]) & 0x7ff, Number(m[1]));
  }
  return counts;
}



// File ▸ Attach to QEMU… (and the header's button in a browser): the QEMU command line
// the user types goes to main, which starts QEMU under irqscope and makes the real
// guest the machine every view shows. Attaching takes seconds (QEMU starts, bus 0 is
// read over qtest), so the dialog stays open and says so until the guest runs.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useStatusStore } from './status';

export type AttachPhase = 'closed' | 'editing' | 'attaching';

/** What a first attach offers: q35 under TCG with an e1000e, the kernel and initrd left to the user. */
export const EXAMPLE_COMMAND_LINE = '-machine q35 -accel tcg -m 256 -nographic -kernel vmlinuz -initrd initrd.cpio -append console=ttyS0 -netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0';

export const useAttachStore = defineStore('attach', () => {
  const status = useStatusStore();
  const phase = ref<AttachPhase>('closed');
  const commandLine = ref(EXAMPLE_COMMAND_LINE);
  const error = ref('');

  function open(): void {
    error.value = '';
    phase.value = 'editing';
  }

  function close(): void {
    if (phase.value !== 'attaching') phase.value = 'closed';
  }

  async function attach(): Promise<void> {
    phase.value = 'attaching';
    error.value = '';
    const reply = await status.request('attachQemu', { commandLine: commandLine.value });
    if (reply.ok) {
      status.machine = reply.value;
      phase.value = 'closed';
      return;
    }
    error.value = reply.error;
    phase.value = 'editing';
  }

  return { phase, commandLine, error, open, close, attach };
});

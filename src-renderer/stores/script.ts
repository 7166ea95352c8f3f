// Bring-up scripts in the app: qtest lines (the same protocol as `irqscope qtest`),
// run one after another against the machine, with every reply kept in a transcript.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useStatusStore } from './status';
import type { DeviceInfo } from '../../src-shared/ipc/contract';
import { starterScript } from '../../src-shared/qtest/bringup-script';

export type ReplyTone = 'ok' | 'fail' | 'break' | 'none';

export interface TranscriptEntry {
  id: number;
  /** 1-based line of the script, or null for a line typed at the prompt. */
  lineNo: number | null;
  line: string;
  reply: string;
  tone: ReplyTone;
}

const MAX_TRANSCRIPT = 2000;

/** The example a new user sees: the virtio-net preset's bring-up of vector 0. */
export const EXAMPLE_SCRIPT = `# nic0 (00:03.0): BAR1 at 0xfebd0000, memory space and bus master on
outl 0xcf8 0x80001814
outl 0xcfc 0xfebd0000
outl 0xcf8 0x80001804
outw 0xcfc 0x0006
# MSI-X Enable (Message Control, capability at 0x84)
setpci -s 00:03.0 CAP_MSIX+2.w=0x8000:0xc000
# vector 0 -> APIC 1, IDT vector 0x41, still masked
writel 0xfebd0000 0xfee01000
writel 0xfebd0008 0x41
device_irq 00:03.0 0
readl 0xfebd0800
# unmask: the pending interrupt is delivered
writel 0xfebd000c 0x0
readl 0xfebd0800
`;

export function toneOf(reply: string): ReplyTone {
  if (reply === '') return 'none';
  if (reply.startsWith('BREAK')) return 'break';
  const last = reply.split('\n').at(-1)!;
  return last.startsWith('FAIL') ? 'fail' : 'ok';
}

export const useScriptStore = defineStore('script', () => {
  const status = useStatusStore();
  const text = ref(EXAMPLE_SCRIPT);
  const transcript = ref<TranscriptEntry[]>([]);
  const running = ref(false);
  /** The next script line `step` runs (0-based); reset when the script is edited or run to the end. */
  const cursor = ref(0);
  const stopOnFail = ref(true);
  let nextId = 1;
  /** The starter script last offered: while the text is still exactly that, a new machine replaces it. */
  let offered = EXAMPLE_SCRIPT;

  /** The starter script for the machine's devices, unless the user has written their own. */
  function fitMachine(devices: readonly DeviceInfo[]): void {
    const starter = starterScript(devices);
    if (text.value === offered && text.value !== starter) {
      text.value = starter;
      cursor.value = 0;
    }
    offered = starter;
  }

  function record(lineNo: number | null, line: string, reply: string): TranscriptEntry {
    const entry = { id: nextId++, lineNo, line, reply, tone: toneOf(reply) };
    transcript.value = [...transcript.value.slice(-(MAX_TRANSCRIPT - 1)), entry];
    return entry;
  }

  /** Runs one line; blank and comment lines are not sent (qtest does not answer them). */
  async function execute(line: string, lineNo: number | null): Promise<TranscriptEntry | null> {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return null;
    const done = await status.call('qtest', { line: trimmed });
    if (done === undefined) return record(lineNo, trimmed, 'FAIL request refused');
    return record(lineNo, trimmed, done.reply ?? '');
  }

  function lines(): string[] {
    return text.value.split('\n');
  }

  /** Runs the next line that says something; false at the end of the script. */
  async function step(): Promise<boolean> {
    const all = lines();
    while (cursor.value < all.length) {
      const i = cursor.value++;
      const entry = await execute(all[i]!, i + 1);
      if (entry !== null) return true;
    }
    cursor.value = 0;
    return false;
  }

  /** Runs from the cursor to the end, or to the first FAIL when stopOnFail is set. */
  async function run(): Promise<void> {
    if (running.value) return;
    running.value = true;
    try {
      const all = lines();
      while (cursor.value < all.length) {
        const i = cursor.value++;
        const entry = await execute(all[i]!, i + 1);
        if (entry?.tone === 'fail' && stopOnFail.value) return;
      }
      cursor.value = 0;
    } finally {
      running.value = false;
    }
  }

  function edited(value: string): void {
    text.value = value;
    cursor.value = 0;
  }

  function clear(): void {
    transcript.value = [];
  }

  return { text, transcript, running, cursor, stopOnFail, execute, step, run, edited, clear, fitMachine };
});

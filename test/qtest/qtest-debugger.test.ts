import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { pumpLines } from '../../src-main/qtest/line-pump';
import { build, nicDescription, CAP } from '../machine/guest';
import type { Machine } from '../../src-main/machine/machine';

/** A NIC (00:03.0, 3 vectors in use, BAR1 at 0xe0000000) driven through qtest; vector 1 programmed to CPU 1, IDT 0x41, masked. */
function setup(): { m: Machine; q: QtestSession; run: (...lines: string[]) => string[] } {
  const m = build(nicDescription({ vectors: 3, used: 'all' }));
  const q = new QtestSession(m);
  const run = (...lines: string[]): string[] => lines.flatMap((l) => q.execute(l)?.split('\n') ?? []);
  run(
    'outl 0xcf8 0x80001814',
    'outl 0xcfc 0xe0000000',
    'outl 0xcf8 0x80001804',
    'outw 0xcfc 0x6',
    `outl 0xcf8 0x${(0x80001800 + CAP).toString(16)}`,
    'outl 0xcfc 0x80000000',
    'writel 0xe0000010 0xfee01000',
    'writel 0xe0000018 0x41',
  );
  return { m, q, run };
}

/** Runs `text` through the line pump on `q`; answers everything the pump wrote. */
async function pumpText(q: QtestSession, text: string): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (d: Buffer) => (written += d.toString()));
  const done = pumpLines(q, input, output);
  input.end(text);
  await done;
  return written;
}

describe('qtest break commands', () => {
  it('announces a hit with a BREAK line before the reply of the command that caused it', () => {
    const { m, run } = setup();
    expect(run('break unmask 00:03.0 1')).toEqual(['OK 1']);
    expect(run('msix_notify 00:03.0 1')).toEqual(['OK']);
    const tableWrite = m.log.total; // then VectorUnmasked
    expect(run('writel 0xe000001c 0x0')).toEqual([
      `BREAK bp=1 seq=${tableWrite + 1} t=0 kind=VectorUnmasked dev=00:03.0 vector=1 masked=0 pending=1 use=1 fmask=0 enable=1 : vector 1 unmasked (vector bit)`,
      'OK',
    ]);
  });

  it('lists, disables, enables and deletes breakpoints, in the grammar break takes', () => {
    const { run } = setup();
    expect(run('break list')).toEqual(['OK none']);
    expect(
      run(
        'break notify any 0,2 pended,dropped trace',
        'break config 00:03.0 MSIX_FLAGS value=0x4000/0x4000',
        'break mmio 0xe0000000 0x1000 write minhits=2 disabled',
        'break port 0xcf8 4 read',
        'break deliver 1 any',
        'break unmask any 0-2 enable,function-mask',
        'break pending 00:03.0 any',
      ),
    ).toEqual(['OK 1', 'OK 2', 'OK 3', 'OK 4', 'OK 5', 'OK 6', 'OK 7']);
    expect(run('break list')).toEqual([
      'OK #1 notify any 0,2 pended,dropped trace count=0; #2 config 00:03.0 0x86 2 value=0x4000/0x4000 count=0; ' +
        '#3 mmio 0xe0000000 0x1000 write minhits=2 disabled count=0; #4 port 0xcf8 0x4 read count=0; #5 deliver 1 any count=0; ' +
        '#6 unmask any 0,1,2 enable,function-mask count=0; #7 pending 00:03.0 any count=0',
    ]);
    expect(run('break enable 3', 'break disable 1', 'break delete 2', 'break delete 2', 'break enable 99')).toEqual([
      'OK',
      'OK',
      'OK',
      'FAIL break delete: no breakpoint 2',
      'FAIL break enable: no breakpoint 99',
    ]);
    expect(run('break list')[0]).toMatch(/^OK #1 notify any 0,2 pended,dropped trace disabled count=0; #3 mmio 0xe0000000 0x1000 write minhits=2 count=0; #4/);
  });

  it('refuses bad breakpoints with a reason, adding nothing', () => {
    const { run } = setup();
    expect(
      run(
        'break',
        'break unmask 00:03.0',
        'break unmask 00:03.0 7',
        'break unmask 00:09.0 any',
        'break notify 00:03.0 any lost',
        'break config any MSIX_FLAGS',
        'break config 00:03.0 BOGUS',
        'break mmio 0x1000 4 sideways',
        'break deliver 9 any',
        'break watch 1',
        'break pending 00:03.0 any value=1',
        'break unmask 00:03.0 1 vector-bit extra',
      ),
    ).toEqual([
      expect.stringMatching(/^FAIL break: expected arguments/),
      'FAIL break unmask: missing VECTORS',
      'FAIL break unmask: vectors: 7 out of range 0..2 on 00:03.0',
      'FAIL break unmask: bdf: no device at 00:09.0',
      "FAIL break notify: 'lost' is not a outcome (delivered, pended, dropped)",
      'FAIL break config: MSIX_FLAGS is at a different offset on each device: name one',
      expect.stringMatching(/^FAIL break config: 'BOGUS' is neither an offset nor a register name/),
      "FAIL break mmio: 'sideways' is not read, write or rw",
      'FAIL break deliver: cpu: the machine has CPUs 0..3, not 9',
      expect.stringMatching(/^FAIL break watch: unknown breakpoint kind 'watch'/),
      'FAIL break pending: condition.value: a pending breakpoint has no value to test (only config-write, access, delivery)',
      "FAIL break unmask: unexpected 'extra' (usage: break unmask BDF|any VECTORS|any [CAUSES])",
    ]);
    expect(run('break list')).toEqual(['OK none']);
  });
});

describe('qtest while paused', () => {
  it('queues device_irq, msix_notify, clock_step and clock_set with a note, and runs them at continue', () => {
    const { m, run } = setup();
    run('break pending 00:03.0 1', 'msix_notify 00:03.0 1');
    expect(m.debugger.paused).toBe(true);
    const before = m.log.total;
    expect(run('device_irq 00:03.0 1', 'msix_notify 00:03.0 2', 'clock_step 100', 'clock_set 0', 'clock_set 500', 'readl 0xe0000018', 'msix_notify 00:09.0 1')).toEqual([
      'OK queued #1: device_irq 00:03.0 1 (runs at continue or step)',
      'OK queued #2: msix_notify 00:03.0 2 (runs at continue or step)',
      'OK 0 queued #3: clock to 100 (runs at continue or step)',
      'OK 0', // not ahead of the clock: nothing to do
      'OK 0 queued #4: clock to 500 (runs at continue or step)',
      'OK 0x0000000000000041', // the guest's read runs at once
      'FAIL msix_notify: no device at 00:09.0',
    ]);
    expect(m.log.total - before).toBe(1); // only the guest's table read
    expect(run('continue')).toEqual(['OK running']);
    expect(m.clock.now).toBe(500);
    const kinds = m.log.slice(before + 1, m.log.total);
    expect(Array.from(kinds.kind.subarray(0, 2))).toEqual([10, 10]); // two NotifyPended (vectors 1 and 2)
    expect(Array.from(kinds.vector.subarray(0, 2))).toEqual([1, 2]);
    expect(run('continue')).toEqual(['FAIL continue: the machine is not paused']);
  });

  it('a clock_step that a breakpoint cuts short says where it stopped and queues the rest', () => {
    const { m, run } = setup();
    m.startSource(m.fn(0x18)!, 1, 1e6); // every 1000 ns
    expect(run('break pending 00:03.0 1', 'clock_step 10000')).toEqual([
      'OK 1',
      `BREAK bp=1 seq=${m.log.total - 2} t=1000 kind=NotifyPended dev=00:03.0 vector=1 masked=1 pending=1 use=1 fmask=0 enable=1 : vector 1 masked: pending bit set`,
      'OK 1000 queued #1: clock to 10000 (runs at continue or step)',
    ]);
    expect(run('continue')).toEqual(['OK running']);
    expect(m.clock.now).toBe(10000);
  });

  it('a breakpoint that hits many slices into a clock_step run by the line pump stops it there, and continue runs the rest in slices too', async () => {
    const { m, q } = setup();
    m.startSource(m.fn(0x18)!, 1, 1e6); // every 1000 ns
    // The 50,000th notify is three slices of firings in; the rest of the step is 150,000 more.
    const text = await pumpText(q, 'break notify 00:03.0 1 pended minhits=50000\nclock_step 200000000\nreadl 0xe000001c\nbreak delete 1\ncontinue\nclock_step 0\n');
    expect(text.split('\n')).toEqual([
      'OK 1',
      expect.stringMatching(/^BREAK bp=1 seq=\d+ t=50000000 kind=NotifyPended dev=00:03.0 vector=1 masked=1 pending=1 /),
      'OK 50000000 queued #1: clock to 200000000 (runs at continue or step)',
      'OK 0x0000000000000001',
      'OK',
      'OK running',
      'OK 200000000',
      '',
    ]);
    expect(m.clock.fired).toBe(200_000);
  });

  it('step and until pause at the next event (of the vector) with a BREAK line of their own', () => {
    const { run } = setup();
    run('writel 0xe000001c 0x0', 'break notify 00:03.0 1 delivered', 'msix_notify 00:03.0 1');
    run('msix_notify 00:03.0 0', 'msix_notify 00:03.0 2', 'msix_notify 00:03.0 1');
    const step = run('step');
    expect(step).toEqual([expect.stringMatching(/^BREAK step seq=\d+ t=0 kind=NotifyPended dev=00:03.0 vector=0 masked=1 pending=1 use=1 fmask=0 enable=1 : vector 0 masked: pending bit set$/), 'OK paused']);
    run('break delete 1');
    // Until the next vector 0 event: none is queued, so the queue runs out and the machine runs on.
    expect(run('until')).toEqual(['OK running']);
    expect(run('msix_notify 00:03.0 0')).toEqual([expect.stringMatching(/^BREAK until seq=\d+ t=0 kind=NotifyPended dev=00:03.0 vector=0 /), 'OK']);
    run('msix_notify 00:03.0 2', 'msix_notify 00:03.0 1');
    expect(run('until 00:03.0 1')).toEqual([expect.stringMatching(/^BREAK until .* kind=NotifyDelivered dev=00:03.0 vector=1 /), 'OK paused']);
    expect(run('until 00:03.0 5')).toEqual(['FAIL until: vector 5 out of range 0..2 (nothing to wait for)']);
    expect(run('step extra')).toEqual([expect.stringMatching(/^FAIL step: expected 0 arguments/)]);
  });

  it('the line pump writes BREAK lines in order, before the reply they precede', async () => {
    const { q } = setup();
    const text = await pumpText(q, 'break pending 00:03.0 1\nmsix_notify 00:03.0 1\ndevice_irq 00:03.0 1\ncontinue\n');
    expect(text.split('\n')).toEqual([
      'OK 1',
      expect.stringMatching(/^BREAK bp=1 seq=\d+ t=0 kind=NotifyPended dev=00:03.0 vector=1 /),
      'OK',
      'OK queued #1: device_irq 00:03.0 1 (runs at continue or step)',
      'OK running',
      '',
    ]);
  });
});

describe('msi_notify and breakpoints on a plain-MSI device', () => {
  function edu(): (...lines: string[]) => string[] {
    const m = build({
      cpus: 2,
      ram: [{ base: '0x0', size: '0x10000' }],
      devices: [{ bdf: '00:04.0', name: 'edu', vendor: '0x1234', device: '0x11e8', class: '0x00ff00', msi: { vectors: 2, perVectorMask: true } }],
    });
    const q = new QtestSession(m);
    return (...lines) => lines.flatMap((l) => q.execute(l)?.split('\n') ?? []);
  }

  it('MN2/MW4: break pending and break notify delivered stop on MSI vectors as on MSI-X ones; msi_notify past Multiple Message Enable fails', () => {
    const run = edu();
    // Bus Master on; vector messages to APIC 1, IDT 0x50 + vector; vector 1 masked; MSI enabled with 2 vectors.
    run('outl 0xcf8 0x80002004', 'outw 0xcfc 0x4', 'outl 0xcf8 0x80002044', 'outl 0xcfc 0xfee01000', 'outl 0xcf8 0x8000204c', 'outw 0xcfc 0x50');
    run('outl 0xcf8 0x80002050', 'outl 0xcfc 0x2', 'outl 0xcf8 0x80002040', 'outw 0xcfe 0x11');
    expect(run('break pending 00:04.0 1', 'break notify 00:04.0 any delivered trace')).toEqual(['OK 1', 'OK 2']);
    const pended = run('msi_notify 00:04.0 1');
    // The vector's state as for MSI-X, marked cap=msi: its mask and pending bits, in use within Multiple Message Enable.
    expect(pended[0]).toMatch(/^BREAK bp=1 .*kind=NotifyPended dev=00:04.0 vector=1 cap=msi masked=1 pending=1 use=1 fmask=0 enable=1 : vector 1 masked: pending bit set$/);
    expect(pended.at(-1)).toBe('OK');
    expect(run('continue').at(-1)).toMatch(/^OK/);
    // Unmasking delivers the pending vector 1 (MW4), which the tracepoint logs.
    expect(run('outl 0xcf8 0x80002050', 'outl 0xcfc 0x0', 'interrupts').at(-1)).toBe('OK CPU1 0x51=1');
    expect(run('msi_notify 00:04.0 2')).toEqual(['FAIL msi_notify: vector 2 out of range 0..1 (Multiple Message Enable); recorded as a drop']);
  });

  it('step and until on an MSI vector: the BREAK lines carry its state: masked and pending, unmasked, delivered', () => {
    const run = edu();
    run('outl 0xcf8 0x80002004', 'outw 0xcfc 0x4', 'outl 0xcf8 0x80002044', 'outl 0xcfc 0xfee01000', 'outl 0xcf8 0x8000204c', 'outw 0xcfc 0x50');
    run('outl 0xcf8 0x80002050', 'outl 0xcfc 0x1', 'outl 0xcf8 0x80002040', 'outw 0xcfe 0x11');
    expect(run('break pending 00:04.0 0')).toEqual(['OK 1']);
    expect(run('msi_notify 00:04.0 0')[0]).toMatch(/ vector=0 cap=msi masked=1 pending=1 use=1 fmask=0 enable=1 : /);
    // Until the vector's next event: unmasking clears its pending bit (MW4).
    const until = run('until 00:04.0 0', 'outl 0xcf8 0x80002050', 'outl 0xcfc 0x0');
    expect(until).toContainEqual(expect.stringMatching(/^BREAK until .*kind=VectorUnmasked dev=00:04.0 vector=0 cap=msi masked=0 pending=1 use=1 fmask=0 enable=1 : /));
    // The rest of that write ran before the pause ended it (PendingCleared, the delivery): the step stops at the next notify.
    expect(run('step', 'msi_notify 00:04.0 0')).toContainEqual(
      expect.stringMatching(/^BREAK step .*kind=NotifyDelivered dev=00:04.0 vector=0 cap=msi masked=0 pending=0 use=1 fmask=0 enable=1 : /),
    );
  });

  it('a device with both capabilities: the BREAK line reads the vector of the one in use (MD1 order)', () => {
    const desc = nicDescription({ vectors: 3, used: 'all' });
    (desc.devices![0] as Record<string, unknown>).msi = { vectors: 4, capOffset: 0x60, is64bit: true, perVectorMask: true };
    const q = new QtestSession(build(desc));
    const run = (...lines: string[]): string[] => lines.flatMap((l) => q.execute(l)?.split('\n') ?? []);
    // Bus Master on; MSI's vector 1 masked, MSI enabled with 4 vectors; MSI-X off.
    run('outl 0xcf8 0x80001804', 'outw 0xcfc 0x4', 'outl 0xcf8 0x80001870', 'outl 0xcfc 0x2', 'outl 0xcf8 0x80001860', 'outw 0xcfe 0x21');
    expect(run('break pending 00:03.0 1')).toEqual(['OK 1']);
    expect(run('device_irq 00:03.0 1')[0]).toMatch(/ vector=1 cap=msi masked=1 pending=1 use=1 fmask=0 enable=1 : /);
    run('continue');
    // MSI-X enabled as well: it takes the raise (MD1), and the line is MSI-X's (its vector 1 is masked: pending).
    run(`outl 0xcf8 0x${(0x80001800 + CAP).toString(16)}`, 'outl 0xcfc 0x80000000');
    expect(run('device_irq 00:03.0 1')[0]).toMatch(/ vector=1 masked=1 pending=1 use=1 fmask=0 enable=1 : /);
  });
});

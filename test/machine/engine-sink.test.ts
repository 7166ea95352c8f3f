// The engines against a recording interrupt sink: exactly which messages leave an
// MSI-X or MSI engine, in which order, and what a sink's outcome does to the counts.
import { describe, expect, it } from 'vitest';
import { MessageOutcome } from '../../src-main/machine/irq/interrupt-sink';
import { FAKE_BDF, FAKE_CAP, msiOnFake, msixOnFake } from './recording-sink';

const ENABLE = 0x8000;
const MASKALL = 0x4000;
const addr = (v: number): number => (0xfee00000 | (v << 12)) >>> 0;
const sent = (v: number) => ({ bdf: FAKE_BDF, vector: v, addrLo: addr(v), addrHi: 0, data: 0x40 + v });

/** Enabled, every entry programmed (vector v to APIC v, IDT 0x40+v) and unmasked, every vector in use. */
function ready(vectors = 4) {
  const f = msixOnFake(vectors);
  f.host.configWrite(f.engine, FAKE_CAP + 2, 2, ENABLE);
  for (let v = 0; v < vectors; v++) {
    f.engine.tableWrite(v * 16, 4, addr(v));
    f.engine.tableWrite(v * 16 + 8, 4, 0x40 + v);
    f.engine.tableWrite(v * 16 + 12, 4, 0);
    f.engine.use(v);
  }
  f.host.sink.take();
  return f;
}

describe('the MSI-X engine and its interrupt sink', () => {
  it('I5: creating, enabling and programming masked entries sends nothing', () => {
    const { host, engine } = msixOnFake();
    host.configWrite(engine, FAKE_CAP + 2, 2, ENABLE);
    engine.tableWrite(0, 4, addr(0));
    engine.use(0);
    engine.notify(0);
    expect(host.sink.sent).toEqual([]);
  });

  it('N3: a notify of an unmasked vector in use sends its entry, once, as the function', () => {
    const { host, engine } = ready();
    engine.notify(2);
    engine.notify(0);
    expect(host.sink.take()).toEqual([sent(2), sent(0)]);
    expect(Array.from(engine.delivered)).toEqual([1, 0, 1, 0]);
  });

  it('N1: a vector out of range or not in use reaches no sink', () => {
    const { host, engine } = ready();
    engine.unuse(1);
    engine.notify(1);
    engine.notify(4);
    engine.notify(-1);
    expect(host.sink.sent).toEqual([]);
  });

  it('N2/U3: a masked notify sends nothing; the unmask sends the pending message once', () => {
    const { host, engine } = ready();
    engine.tableWrite(3 * 16 + 12, 4, 1);
    engine.notify(3);
    engine.notify(3);
    expect(host.sink.sent).toEqual([]);
    engine.tableWrite(3 * 16 + 12, 4, 0);
    expect(host.sink.take()).toEqual([sent(3)]);
    expect(engine.isPending(3)).toBe(false);
  });

  it('C4/U3: clearing Function Mask sends every pending vector, in vector order', () => {
    const { host, engine } = ready();
    host.configWrite(engine, FAKE_CAP + 2, 2, ENABLE | MASKALL);
    for (const v of [3, 0, 2]) engine.notify(v);
    expect(host.sink.sent).toEqual([]);
    host.configWrite(engine, FAKE_CAP + 2, 2, ENABLE);
    expect(host.sink.take()).toEqual([sent(0), sent(2), sent(3)]);
  });

  it('C2: disabling MSI-X with vectors pending sends nothing, and they stay pending', () => {
    const { host, engine } = ready();
    host.configWrite(engine, FAKE_CAP + 2, 2, ENABLE | MASKALL);
    engine.notify(1);
    host.configWrite(engine, FAKE_CAP + 2, 2, 0);
    expect(host.sink.sent).toEqual([]);
    expect(engine.isPending(1)).toBe(true);
  });

  it('T3/X4: rewriting an unmasked entry sends nothing; the next notify carries the new message', () => {
    const { host, engine } = ready();
    engine.tableWrite(8, 4, 0x99);
    engine.setMessage(1, addr(3), 0x1, 0x77);
    expect(host.sink.sent).toEqual([]);
    engine.notify(0);
    engine.notify(1);
    expect(host.sink.take()).toEqual([{ ...sent(0), data: 0x99 }, { bdf: FAKE_BDF, vector: 1, addrLo: addr(3), addrHi: 1, data: 0x77 }]);
  });

  it('N3: a message the sink drops is not delivered; an interrupt and a memory write are', () => {
    const { host, engine } = ready();
    host.sink.outcome = MessageOutcome.Dropped;
    engine.notify(0);
    host.sink.outcome = MessageOutcome.Memory;
    engine.notify(1);
    host.sink.outcome = MessageOutcome.Interrupt;
    engine.notify(2);
    expect(host.sink.take().map((m) => m.vector)).toEqual([0, 1, 2]);
    expect(Array.from(engine.delivered)).toEqual([0, 1, 1, 0]);
  });
});

describe('the MSI engine and its interrupt sink', () => {
  const FLAGS = FAKE_CAP + 2;
  const DATA = FAKE_CAP + 0x0c;
  const MASK = FAKE_CAP + 0x10;

  /** 64-bit with per-vector masking, 4 vectors enabled, address 0xfee01000:0, data 0x4440. */
  function msiReady() {
    const f = msiOnFake();
    f.host.configWrite(f.engine, FAKE_CAP + 4, 4, 0xfee01000);
    f.host.configWrite(f.engine, DATA, 2, 0x4440);
    f.host.configWrite(f.engine, FLAGS, 2, 0x0021);
    return f;
  }
  const msg = (v: number) => ({ bdf: FAKE_BDF, vector: v, addrLo: 0xfee01000, addrHi: 0, data: 0x4440 | v });

  it('MG1/MN3: with 4 vectors enabled the data carries the vector number in its low bits', () => {
    const { host, engine } = msiReady();
    engine.notify(3);
    engine.notify(1);
    expect(host.sink.take()).toEqual([msg(3), msg(1)]);
  });

  it('MN1: a vector past the enabled count sends nothing', () => {
    const { host, engine } = msiReady();
    engine.notify(4);
    expect(host.sink.sent).toEqual([]);
  });

  it('MN2/MW4: a masked vector sends nothing; unmasking it sends the pending message once', () => {
    const { host, engine } = msiReady();
    host.configWrite(engine, MASK, 4, 0b0110);
    engine.notify(2);
    engine.notify(1);
    expect(host.sink.sent).toEqual([]);
    host.configWrite(engine, MASK, 4, 0);
    expect(host.sink.take()).toEqual([msg(1), msg(2)]);
  });

  it('MN3: a dropped message is not counted as delivered', () => {
    const { host, engine } = msiReady();
    host.sink.outcome = MessageOutcome.Dropped;
    engine.notify(0);
    host.sink.outcome = MessageOutcome.Interrupt;
    engine.notify(0);
    expect(host.sink.take()).toEqual([msg(0), msg(0)]);
    expect(engine.delivered[0]).toBe(1);
  });
});

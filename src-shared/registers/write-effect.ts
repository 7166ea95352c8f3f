// What a config write did, against what was written: which bits took the value,
// which were read-only and kept theirs, which write-1-to-clear bits cleared. The
// register editor, setpci's answers in the app and qtest, and the ConfigWrite
// event all say it in these words.
export interface WriteMasks {
  /** The bits a write can change. */
  writable: number;
  /** The write-1-to-clear bits. */
  w1c: number;
}

export interface WriteEffect {
  written: number;
  /** What reads back after the write. */
  after: number;
  /** Bits the write asked to change that are read-only: they kept their value. */
  readOnly: number;
  /** Write-1-to-clear bits the write cleared. */
  cleared: number;
  /** Writable bits that still read back other than written: the device set them. */
  device: number;
  /** No bit of the register can be written. */
  wholeReadOnly: boolean;
}

/** `before` and `after` are the register's value around the write; without masks every ignored bit counts as read-only. */
export function writeEffect(before: number, written: number, after: number, masks: WriteMasks | null): WriteEffect {
  const w1c = masks?.w1c ?? 0;
  const writable = masks?.writable ?? 0;
  const differs = (after ^ written) & ~w1c;
  const readOnly = masks === null ? differs : (written ^ before) & ~writable & ~w1c;
  return {
    written: written >>> 0,
    after: after >>> 0,
    readOnly: readOnly >>> 0,
    cleared: (written & w1c & before & ~after) >>> 0,
    device: (differs & ~readOnly) >>> 0,
    wholeReadOnly: masks !== null && writable === 0 && w1c === 0,
  };
}

/** The sentence for a write that did not all take, or null when every bit did. `digits` is the register's width in hex digits. */
export function describeWriteEffect(effect: WriteEffect, digits: number): string | null {
  if (effect.readOnly === 0 && effect.device === 0) return null;
  const h = (n: number): string => `0x${n.toString(16).padStart(digits, '0')}`;
  if (effect.wholeReadOnly) return `read-only: wrote ${h(effect.written)}, it still reads ${h(effect.after)}`;
  const why: string[] = [];
  if (effect.readOnly !== 0) why.push(`bits ${h(effect.readOnly)} are read-only and kept their value`);
  if (effect.device !== 0) why.push(`bits ${h(effect.device)} are set by the device`);
  if (effect.cleared !== 0) why.push(`write-1-to-clear bits ${h(effect.cleared)} cleared`);
  return `wrote ${h(effect.written)}, took effect as ${h(effect.after)}: ${why.join('; ')}`;
}

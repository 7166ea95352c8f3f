// Bus/device/function numbers as lspci writes them (`00:03.0`, optionally with the
// `0000:` domain): shared by the machine, the filter expressions and the renderer.
export function formatBdf(bdf: number): string {
  const bus = (bdf >>> 8) & 0xff;
  const dev = (bdf >>> 3) & 0x1f;
  const fn = bdf & 7;
  return `${hex2(bus)}:${hex2(dev)}.${fn}`;
}

export function parseBdf(text: string): number | undefined {
  const m = /^(?:0000:)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/.exec(text.trim());
  if (!m) return undefined;
  const bus = Number.parseInt(m[1]!, 16);
  const dev = Number.parseInt(m[2]!, 16);
  if (dev > 31) return undefined;
  return (bus << 8) | (dev << 3) | Number.parseInt(m[3]!, 10);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

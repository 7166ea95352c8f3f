// PCI addresses as lspci writes them (`00:03.0`, or with the domain `0001:00:03.0`):
// shared by the machine, the filter expressions and the renderer. As a number, an
// address is domain * DOMAIN_STRIDE + (bus << 8 | device << 3 | function), so a
// bus/dev.fn number alone is domain 0000's.

export const DOMAIN_STRIDE = 0x10000;
export const MAX_DOMAIN = 0xffff;

export function domainOf(address: number): number {
  return Math.floor(address / DOMAIN_STRIDE);
}

/** `bb:dd.f`; with the domain when asked, or when it is not 0000 (lspci prints domains for all once one is non-zero). */
export function formatBdf(address: number, withDomain = address >= DOMAIN_STRIDE): string {
  const bdf = address % DOMAIN_STRIDE;
  const bus = (bdf >>> 8) & 0xff;
  const dev = (bdf >>> 3) & 0x1f;
  const fn = bdf & 7;
  const slot = `${hex2(bus)}:${hex2(dev)}.${fn}`;
  return withDomain ? `${domainOf(address).toString(16).padStart(4, '0')}:${slot}` : slot;
}

export function parseBdf(text: string): number | undefined {
  const m = /^(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/.exec(text.trim());
  if (!m) return undefined;
  const domain = m[1] === undefined ? 0 : Number.parseInt(m[1], 16);
  const bus = Number.parseInt(m[2]!, 16);
  const dev = Number.parseInt(m[3]!, 16);
  if (dev > 31) return undefined;
  return domain * DOMAIN_STRIDE + ((bus << 8) | (dev << 3) | Number.parseInt(m[4]!, 10));
}

/** A bus/dev.fn as events carry it: no domain, or domain 0000 (events do not tell domains apart). */
export function parseEventBdf(text: string): number | undefined {
  const address = parseBdf(text);
  return address !== undefined && domainOf(address) === 0 ? address : undefined;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

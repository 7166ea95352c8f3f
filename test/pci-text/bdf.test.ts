// PCI addresses as text and numbers: domain * 0x10000 + bus/dev.fn, printed as lspci
// prints them; and where a domain cannot go, because events carry bus/dev.fn only.
import { describe, expect, it } from 'vitest';
import { domainOf, formatBdf, parseBdf, parseEventBdf } from '../../src-shared/pci-text/bdf';
import { compileFilter } from '../../src-shared/timeline/event-filter';
import { parseBreakRequest } from '../../src-main/qtest/qtest-breakpoints';
import type { Machine } from '../../src-main/machine/machine';

describe('PCI addresses', () => {
  it('parse with or without a domain; a bus/dev.fn number alone is domain 0000', () => {
    expect(parseBdf('00:03.0')).toBe(0x0018);
    expect(parseBdf('0000:00:03.0')).toBe(0x0018);
    expect(parseBdf('0001:0c:00.0')).toBe(0x10c00);
    expect(parseBdf('ffff:ff:1f.7')).toBe(0xffffffff);
    expect(parseBdf('1:5:0.0')).toBe(0x10500);
    for (const bad of ['00:20.0', '10000:00:00.0', '00:03', '0001:00:03.8', 'x:00:03.0']) expect(parseBdf(bad), bad).toBeUndefined();
    expect(domainOf(0x10c00)).toBe(1);
  });

  it('print the domain when asked or when it is not 0000', () => {
    expect(formatBdf(0x0018)).toBe('00:03.0');
    expect(formatBdf(0x0018, true)).toBe('0000:00:03.0');
    expect(formatBdf(0x10c00)).toBe('0001:0c:00.0');
    expect(formatBdf(0xffffffff)).toBe('ffff:ff:1f.7');
  });

  it('events carry no domain: event filters and breakpoints refuse an address past domain 0000 by name', () => {
    expect(parseEventBdf('0000:00:03.0')).toBe(0x0018);
    expect(parseEventBdf('0001:00:03.0')).toBeUndefined();
    const filter = compileFilter('bdf == 0001:00:03.0');
    expect(filter.ok ? '' : filter.error).toMatch(/events carry no domain/);
    expect(compileFilter('bdf == 0000:00:03.0').ok).toBe(true);
    expect(() => parseBreakRequest('unmask', ['0001:00:03.0', '0'], {} as Machine)).toThrow(/without a domain past 0000/);
  });
});

import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseLspciText } from '../../src-shared/pci-text/lspci-dump';
import { parseSetpciArgs, runSetpci, type AccessSize, type ConfigAccessor } from '../../src-shared/pci-text/setpci';
import { readFixture } from './fixtures';

/** Config spaces held as bytes, every write recorded. */
class FakeBus implements ConfigAccessor {
  readonly writes: [bdf: number, offset: number, size: AccessSize, value: number][] = [];
  constructor(readonly spaces: Map<number, Uint8Array>) {}

  readConfig(bdf: number, offset: number, size: AccessSize): number {
    const space = this.spaces.get(bdf);
    if (!space || offset + size > space.length) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + (space[offset + i] ?? 0);
    return value;
  }

  writeConfig(bdf: number, offset: number, size: AccessSize, value: number): void {
    this.writes.push([bdf, offset, size, value]);
    const space = this.spaces.get(bdf);
    for (let i = 0; i < size && space; i++) space[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  listBdfs(): number[] {
    return [...this.spaces.keys()];
  }
}

const NET = 0x09 << 3; // 00:09.0, virtio-net: MSI-X at 0x84, vendor caps at 0x70 0x60 0x50 0x40
const FS = 0x04 << 3; // 00:04.0, virtio-fs: MSI-X at 0x40
const NVME = 0x05 << 3; // 00:05.0, a 4096-byte PCIe image: AER at 0x100

function fixtureConfig(file: string, index: number): Uint8Array {
  const device = parseLspciText(readFixture(file)).devices[index];
  if (!device) throw new Error('device missing');
  return device.config;
}

let bus: FakeBus;
beforeEach(() => {
  bus = new FakeBus(
    new Map([
      [NVME, fixtureConfig('cap-dev3.txt', 0)],
      [NET, fixtureConfig('cap-vendor-virtio.txt', 0)],
      [FS, fixtureConfig('cap-vendor-virtio.txt', 1)],
    ]),
  );
});

const run = (line: string) => runSetpci(line, bus);
const HELP_HINT = "Try `setpci --help' for more information.";

describe('setpci reads', () => {
  it('named registers take their width from setpci\'s table and print zero-padded hex', () => {
    expect(run('-s 00:09.0 COMMAND STATUS REVISION BASE_ADDRESS_0 VENDOR_ID')).toEqual({ output: ['0507', '0010', '00', '0000c061', '1af4'], errors: [], notes: [], exitCode: 0 });
  });

  it('names are case-insensitive and a width suffix overrides the table', () => {
    expect(run('-s 00:09.0 command.b COMMAND.L').output).toEqual(['07', '00100507']);
  });

  it('bare register numbers are hex, with or without 0x', () => {
    expect(run('-s 00:09.0 10.l 0x10.l 84.l 0x3c.b').output).toEqual(['0000c061', '0000c061', '80027011', '0a']);
  });

  it('capability-relative registers by name, by number and by extended name', () => {
    expect(run('-s 00:09.0 CAP_MSIX+2.w CAP11+2.w CAP_MSIX+4.l').output).toEqual(['8002', '8002', '00000001']);
    expect(run('-s 00:04.0 CAP_MSIX+2.w').output).toEqual(['8002']);
    expect(run('-s 00:05.0 ECAP_AER+c.l ECAP1+c.l CAP_EXP.b').output).toEqual(['00462030', '00462030', '10']);
  });

  it('instances are numbered as libpci numbers them: @0 is the last one in the chain', () => {
    expect(run('-v -s 00:09.0 CAP_VNDR+3.b CAP_VNDR+3.b@3').output).toEqual(['0000:00:09.0 (cap 09 @40) @43 = 01', '0000:00:09.0 (cap 09 @70) @73 = 02']);
  });

  it('a -d filter selects by vendor:device, and every selected device answers', () => {
    expect(run('-d 1af4: VENDOR_ID DEVICE_ID').output).toEqual(['1af4', '105a', '1af4', '1000']);
    expect(run('-d 1af4:1000 DEVICE_ID').output).toEqual(['1000']);
    expect(run('-d ::0108 DEVICE_ID').output).toEqual(['edda']);
  });
});

describe('setpci writes', () => {
  it('value:mask changes only the mask bits (read-modify-write)', () => {
    const result = run('-s 00:09.0 CAP_MSIX+2.w=c000:c000');
    expect(result).toEqual({ output: [], errors: [], notes: [], exitCode: 0 });
    expect(bus.writes).toEqual([[NET, 0x86, 2, 0xc002]]);
  });

  it('a full-width value is written without a read, truncated to the width', () => {
    expect(run('-s 00:09.0 COMMAND=0 0x40.b=ffffffff').exitCode).toBe(0);
    expect(bus.writes).toEqual([
      [NET, 0x04, 2, 0],
      [NET, 0x40, 1, 0xff],
    ]);
  });

  it('comma-separated values go to consecutive registers', () => {
    run('-s 00:09.0 0x90.w=1,2,3');
    expect(bus.writes).toEqual([
      [NET, 0x90, 2, 1],
      [NET, 0x92, 2, 2],
      [NET, 0x94, 2, 3],
    ]);
  });

  it('-v traces each write as setpci does; -D traces without writing', () => {
    expect(run('-v -D -s 00:09.0 CAP_MSIX+2.w=c000:c000 COMMAND=0507').output).toEqual([
      '0000:00:09.0 (cap 11 @84) @86 8002->(c000:c000)->c002',
      '0000:00:09.0 @04 0507',
    ]);
    expect(bus.writes).toEqual([]);
  });

  it('a string command line may start with the program name', () => {
    runSetpci('setpci -s 00:09.0 COMMAND.b=3', bus);
    expect(bus.writes).toEqual([[NET, 0x04, 1, 3]]);
  });
});

describe('setpci mistakes come back in setpci\'s words', () => {
  const parseError = (message: string) => ({ output: [], errors: [`setpci: ${message}.`, HELP_HINT], notes: [], exitCode: 1 });

  it('an unknown register name, and nothing is written even by earlier operations', () => {
    expect(run('-s 00:09.0 COMMAND=0 FOO')).toEqual(parseError('Unknown register "FOO"'));
    expect(bus.writes).toEqual([]);
  });

  it('width problems', () => {
    expect(run('-s 00:09.0 0x40=1')).toEqual(parseError('Missing width'));
    expect(run('-s 00:09.0 COMMAND.q')).toEqual(parseError('Invalid width "q"'));
    expect(run('-s 00:09.0 COMMAND.ww')).toEqual(parseError('Invalid width "ww"'));
    expect(run('-s 00:09.0 CAP_MSIX+2')).toEqual(parseError('Missing width'));
  });

  it('value, mask, address and instance problems', () => {
    expect(run('-s 00:09.0 COMMAND.b=100')).toEqual(parseError('Value "100" is out of range'));
    expect(run('-s 00:09.0 COMMAND=zz')).toEqual(parseError('Invalid value "zz"'));
    expect(run('-s 00:09.0 COMMAND=1:zz')).toEqual(parseError('Invalid mask "zz"'));
    expect(run('-s 00:09.0 COMMAND=1:10000')).toEqual(parseError('Mask "10000" is out of range'));
    expect(run('-s 00:09.0 COMMAND=')).toEqual(parseError('Missing value'));
    expect(run('-s 00:09.0 0x41.w')).toEqual(parseError('Unaligned register address 41'));
    expect(run('-s 00:09.0 0xffe.l')).toEqual(parseError('Register number ffe out of range'));
    expect(run('-s 00:09.0 COMMAND+1000.b')).toEqual(parseError('Invalid offset "1000"'));
    expect(run('-s 00:09.0 CAP_VNDR.b@x')).toEqual(parseError('Invalid number "x"'));
    expect(run('-s 00:09.0 CAP100.b')).toEqual(parseError('Unknown register "CAP100"'));
  });

  it('filter and command line shape problems', () => {
    expect(run('COMMAND')).toEqual(parseError('Filter specification expected'));
    expect(run('')).toEqual(parseError('No operation specified'));
    expect(run('-s 00:3g.0 COMMAND')).toEqual(parseError('Unable to parse filter -s Invalid slot number'));
    expect(run('-s 00:1f.8 COMMAND')).toEqual(parseError('Unable to parse filter -s Invalid function number'));
    expect(run('-d 1af4 COMMAND')).toEqual(parseError('Unable to parse filter -d At least two fields must be given'));
    expect(run('-x COMMAND')).toEqual(parseError('Invalid option -x'));
    expect(run('-vs 00:09.0 COMMAND')).toEqual(parseError('Invalid or misplaced option -s'));
    expect(run('-s')).toEqual(parseError('Option -s requires an argument'));
  });

  it('a missing capability stops execution with the device and instance named', () => {
    bus.spaces.get(FS)?.fill(0, 0x40, 0x4c);
    expect(run('-s 00:04.0 CAP_MSIX+2.w')).toEqual({
      output: [],
      errors: ['setpci: 0000:00:04.0: Instance #0 of Capability 0011 not found - there are no capabilities with that id.'],
      notes: [],
      exitCode: 1,
    });
    expect(run('-s 00:09.0 CAP_MSIX.b@1').errors).toEqual(['setpci: 0000:00:09.0: Instance #1 of Capability 0011 not found - there is only 1 capability with that id.']);
    expect(run('-s 00:09.0 CAP_VNDR.b@4').errors).toEqual(['setpci: 0000:00:09.0: Instance #4 of Capability 0009 not found - there are only 4 capabilities with that id.']);
    expect(run('-s 00:09.0 ECAP_AER.l').errors).toEqual(['setpci: 0000:00:09.0: Instance #0 of Extended capability 0001 not found - there are no capabilities with that id.']);
  });

  it('output printed before a failing operation is kept', () => {
    expect(run('-s 00:09.0 COMMAND PRIMARY_BUS')).toEqual({ output: ['0507'], errors: ['setpci: 0000:00:09.0: Does not have register PRIMARY_BUS.'], notes: [], exitCode: 1 });
  });

  it('an access the machine refuses becomes a setpci error naming the device', () => {
    const refusing: ConfigAccessor = {
      readConfig: (bdf, offset) => {
        if (offset >= 0x100) throw new Error(`offset 0x${offset.toString(16)} is past the 256-byte config space`);
        return bus.readConfig(bdf, offset, 1);
      },
      writeConfig: () => undefined,
      listBdfs: () => [NET],
    };
    expect(runSetpci('-s 00:09.0 COMMAND.b 0x100.l', refusing)).toEqual({
      output: ['07'],
      errors: ['setpci: 0000:00:09.0: offset 0x100 is past the 256-byte config space'],
      notes: [],
      exitCode: 1,
    });
  });

  it('no matching device is a warning (silenced by -f), not an error', () => {
    expect(run('-s 00:1f.0 COMMAND')).toEqual({ output: [], errors: ['setpci: Warning: No devices selected for operation group 1.'], notes: [], exitCode: 0 });
    expect(run('-f -s 00:1f.0 COMMAND')).toEqual({ output: [], errors: [], notes: [], exitCode: 0 });
  });
});

describe('setpci command line parsing', () => {
  it('never throws, whatever the arguments', () => {
    const token = fc.oneof(
      fc.constantFrom('-s', '-d', '-v', '-D', '-f', '-r', '-', '00:09.0', '00:04.0', '1af4:', 'COMMAND', 'CAP_MSIX', 'ECAP_AER', 'CAP11', '=', ':', ',', '.w', '.b', '.l', '+2', '@1', '=ffff:c000', '0x84'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(token, { maxLength: 4 }).map((parts) => parts.join('')), { maxLength: 6 }), (args) => {
        const result = runSetpci(args, bus);
        return result.exitCode === 0 || result.errors.length > 0;
      }),
      { numRuns: 500 },
    );
  });

  it('groups operations under the filter before them', () => {
    const parsed = parseSetpciArgs(['-s', '00:09.0', 'COMMAND', '-s', '00:04.0', '-d', '1af4:', 'CAP_MSIX+2.w=8000:c000,0']);
    if (!parsed.ok) throw new Error(parsed.error);
    const [first, second] = parsed.command.groups;
    expect(first?.ops.map((o) => [o.name, o.addr, o.width])).toEqual([['COMMAND', 4, 2]]);
    expect(second?.ops[0]).toMatchObject({ capType: 'normal', capId: 0x11, addr: 2, width: 2, values: [{ value: 0x8000, mask: 0xc000 }, { value: 0, mask: 0xffffffff }] });
  });

  it('--dumpregs lists the names with capability, offset and width', () => {
    const { output } = run('--dumpregs');
    expect(output.slice(0, 2)).toEqual(['cap pos w name', '     00 W VENDOR_ID']);
    expect(output).toContain('  11 00 - CAP_MSIX');
    expect(output).toContain('0001 00 - ECAP_AER');
  });
});

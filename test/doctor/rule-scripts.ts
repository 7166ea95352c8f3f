// For each doctor rule: a qtest script that must trigger it and a near miss that must
// not, on the virtio-net preset (00:03.0, BAR1 holds the table at 0 and the PBA at
// 0x800, 3 vectors in use, 4 CPUs); the MSI ones on the same NIC with a plain MSI
// capability added (NIC_MSI). Also used by docs/doctor.md's examples.
const BAR1 = ['outl 0xcf8 0x80001814', 'outl 0xcfc 0xfebd0000'];
const command = (value: string): string[] => ['outl 0xcf8 0x80001804', `outw 0xcfc ${value}`];
const ENABLE = ['outl 0xcf8 0x80001884', 'outl 0xcfc 0x80000011'];
const ENABLE_FMASK = ['outl 0xcf8 0x80001884', 'outl 0xcfc 0xc0000011'];
const vector0 = (address: string, data: string): string[] => [`writel 0xfebd0000 ${address}`, 'writel 0xfebd0004 0x0', `writel 0xfebd0008 ${data}`];
/** BAR1 at 0xfebd0000, memory space and bus master on, MSI-X enabled, vector 0 -> APIC 1 IDT 0x41, still masked. */
export const UP = [...BAR1, ...command('0x0006'), ...ENABLE, ...vector0('0xfee01000', '0x41')];
const UNMASK0 = 'writel 0xfebd000c 0x0';
const FIRE0 = 'device_irq 00:03.0 0';
/** msix_load of 3 entries, all masked, vector 0 -> APIC 1 IDT 0x41, with its pending bit set. */
const LOAD_PENDING0 = `msix_load 00:03.0 0010e0fe000000004100000001000000${'000000000000000000000000' + '01000000'}${'000000000000000000000000' + '01000000'}01`;
const withVector0 = (address: string, data: string): string[] => [...BAR1, ...command('0x0006'), ...ENABLE, ...vector0(address, data), UNMASK0, FIRE0];

/** nic0's MSI capability for the scripts marked `msi`: Message Control at 0x62, address 0x64/0x68, data 0x6c, mask 0x70, pending 0x74. */
export const NIC_MSI = { vectors: 4, capOffset: '0x60', is64bit: true, perVectorMask: true };
/** MSI Enable set (Message Control at 0x62), then cleared. */
const MSI_ON = ['outl 0xcf8 0x80001860', 'outl 0xcfc 0x00010000'];
const MSIX_OFF = ['outl 0xcf8 0x80001884', 'outl 0xcfc 0x00000011'];

export interface RuleScript {
  rule: string;
  /** Which case of the rule, where it has more than one script. */
  case?: string;
  /** Run on virtio-net with NIC_MSI added to nic0. */
  msi?: boolean;
  /** Words the finding's why must hold (a rule with several cases says which). */
  why?: string;
  /** The kind of the event the finding names last. */
  shows: string;
  trigger: string[];
  nearMiss: string[];
}

export const RULE_SCRIPTS: RuleScript[] = [
  { rule: 'DR-PBA-WRITE', shows: 'PbaWrite', trigger: [...UP, 'writel 0xfebd0800 0x1'], nearMiss: [...UP, 'readl 0xfebd0800'] },
  { rule: 'DR-ACCESS-SIZE', shows: 'AccessRefused', trigger: [...UP, 'writew 0xfebd0008 0x41', 'readl 0xfebd0802'], nearMiss: [...UP, 'writel 0xfebd0008 0x41', 'readq 0xfebd0800'] },
  { rule: 'DR-UPDATE-UNMASKED', shows: 'TableWrite', trigger: [...UP, UNMASK0, 'writel 0xfebd0008 0x42'], nearMiss: [...UP, 'writel 0xfebd0008 0x42', UNMASK0] },
  {
    rule: 'DR-QWORD-DATA-CTRL',
    shows: 'TableWrite',
    trigger: [...UP, 'writeq 0xfebd0008 0x0000000000000042'],
    nearMiss: [...UP, 'writeq 0xfebd0008 0x0000000100000042', 'writeq 0xfebd0000 0x00000000fee01000', UNMASK0],
  },
  { rule: 'DR-NEVER-UNMASKED', shows: 'NotifyPended', trigger: [...UP, FIRE0], nearMiss: [...UP, FIRE0, UNMASK0] },
  {
    rule: 'DR-FMASK-LEFT-SET',
    shows: 'NotifyPended',
    trigger: [...BAR1, ...command('0x0006'), ...ENABLE_FMASK, ...vector0('0xfee01000', '0x41'), UNMASK0, FIRE0],
    nearMiss: [...BAR1, ...command('0x0006'), ...ENABLE_FMASK, ...vector0('0xfee01000', '0x41'), UNMASK0, ...ENABLE, FIRE0],
  },
  {
    rule: 'DR-BUS-MASTER-OFF',
    shows: 'NotifyDropped',
    trigger: [...BAR1, ...command('0x0002'), ...ENABLE, ...vector0('0xfee01000', '0x41'), UNMASK0, FIRE0],
    nearMiss: withVector0('0xfee01000', '0x41'),
  },
  {
    rule: 'DR-NOT-IN-USE',
    case: 'not in use',
    why: 'vector 0 was notified but is not in use (use count 0)',
    shows: 'NotifyDropped',
    trigger: [...UP, UNMASK0, 'msix_unuse 00:03.0 0', FIRE0],
    nearMiss: [...UP, UNMASK0, FIRE0],
  },
  {
    rule: 'DR-NOT-IN-USE',
    case: 'past the table',
    why: 'the device notified vector 5, past its table',
    shows: 'NotifyDropped',
    trigger: [...UP, 'device_irq 00:03.0 5'],
    // The table's last vector (2 of 0..2) is no drop: masked, it pends.
    nearMiss: [...UP, 'device_irq 00:03.0 2'],
  },
  {
    rule: 'DR-NOT-IN-USE',
    case: 'unmasked while not in use',
    why: 'vector 0 was unmasked with its pending bit set but is not in use',
    shows: 'NotifyDropped',
    // Unuse clears a pending bit, so only a load (as after migration) leaves one on a vector not in use.
    trigger: [...UP, 'msix_unuse 00:03.0 0', LOAD_PENDING0, UNMASK0],
    nearMiss: [...UP, LOAD_PENDING0, UNMASK0],
  },
  { rule: 'DR-ADDR-UNCLAIMED', shows: 'NotifyDropped', trigger: withVector0('0xd0000000', '0x41'), nearMiss: withVector0('0x00001000', '0x41') },
  { rule: 'DR-LOW-VECTOR', shows: 'NotifyDelivered', trigger: withVector0('0xfee01000', '0x05'), nearMiss: withVector0('0xfee01000', '0x10') },
  { rule: 'DR-NO-SUCH-CPU', shows: 'NotifyDropped', trigger: withVector0('0xfee09000', '0x41'), nearMiss: withVector0('0xfee03000', '0x41') },
  { rule: 'DR-RESERVED-CTRL', shows: 'TableWrite', trigger: [...UP, 'writel 0xfebd000c 0x2'], nearMiss: [...UP, 'writel 0xfebd000c 0x1'] },
  {
    rule: 'DR-MSI-AND-MSIX',
    case: 'INTx with MSI-X',
    why: 'INTx was asserted while MSI-X was enabled',
    shows: 'FunctionMaskChanged',
    trigger: [...BAR1, ...command('0x0006'), FIRE0, ...ENABLE],
    // With INTx Disable set the raise never reaches the pin; and once MSI-X is on the raise is an MSI-X notify (D1).
    nearMiss: [...BAR1, ...command('0x0406'), FIRE0, ...ENABLE, ...vector0('0xfee01000', '0x41'), UNMASK0, FIRE0],
  },
  {
    rule: 'DR-MSI-AND-MSIX',
    case: 'MSI with MSI-X',
    msi: true,
    why: 'MSI and MSI-X are enabled together',
    shows: 'FunctionMaskChanged',
    trigger: [...BAR1, ...command('0x0006'), ...ENABLE, ...MSI_ON],
    // Switching from MSI-X to MSI: MSI-X disabled first.
    nearMiss: [...BAR1, ...command('0x0006'), ...ENABLE, ...MSIX_OFF, ...MSI_ON, FIRE0],
  },
  {
    rule: 'DR-MSI-AND-MSIX',
    case: 'INTx with MSI',
    msi: true,
    why: 'INTx was asserted while MSI was enabled',
    shows: 'FunctionMaskChanged',
    trigger: [...BAR1, ...command('0x0006'), FIRE0, ...MSI_ON],
    // INTx Disable holds the raise off the pin; once MSI is on the raise is an MSI notify (MD1).
    nearMiss: [...BAR1, ...command('0x0406'), FIRE0, ...MSI_ON, FIRE0],
  },
  { rule: 'DR-BEYOND-TABLE', shows: 'AccessUnclaimed', trigger: [...UP, 'writel 0xfebd0030 0x0'], nearMiss: [...UP, 'writel 0xfebd0020 0x0', 'writel 0xd0000000 0x0'] },
  {
    rule: 'DR-DECODE-OFF',
    shows: 'AccessUnclaimed',
    trigger: [...BAR1, ...command('0x0004'), 'writel 0xfebd0000 0xfee01000', 'readl 0xfebd0800'],
    // A write at the table's offset from an unassigned BAR (address 0) is anyone's; an unrelated unclaimed address with memory space off; the write once the BAR decodes.
    nearMiss: [...command('0x0004'), 'writel 0x0 0xfee01000', 'writel 0x800 0x0', ...BAR1, ...command('0x0004'), 'writel 0xfebe0000 0x0', ...command('0x0006'), 'writel 0xfebd0000 0xfee01000'],
  },
];

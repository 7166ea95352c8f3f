// The qtest lines that bring up the virtio-net preset's NIC as a guest would: BAR1 at
// 0xe0000000, memory space and bus master on, MSI-X enabled, and vector 1 aimed at
// CPU 1, IDT vector 0x41, still masked. The CLI tests build their scripts on it.

/** BAR1 at `bar1`, memory space and bus master on, MSI-X enabled (Function Mask clear). */
export function nicMsixOn(bar1: number): string[] {
  return [
    'outl 0xcf8 0x80001814',
    `outl 0xcfc 0x${bar1.toString(16)}`,
    'outl 0xcf8 0x80001804',
    'outw 0xcfc 0x0006',
    'outl 0xcf8 0x80001884',
    'outl 0xcfc 0x80000011',
  ];
}

export const NIC_VECTOR_1_MASKED = [
  'outl 0xcf8 0x80001814',
  'outl 0xcfc 0xe0000000',
  'outl 0xcf8 0x80001804',
  'outw 0xcfc 0x6',
  'outl 0xcf8 0x80001884',
  'outl 0xcfc 0x80000000',
  'writel 0xe0000010 0xfee01000',
  'writel 0xe0000018 0x41',
];

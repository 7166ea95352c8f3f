// Capability names as the PCI-SIG assigns them (PCI Code and ID Assignment
// Specification: capability IDs, extended capability IDs). The app shows these;
// `lspci` text keeps lspci's own wording, given here where lspci prints a fixed
// first line for the ID, so one table serves both.
export interface CapabilityName {
  /** The PCI-SIG name, spelled out, with its usual abbreviation. */
  readonly name: string;
  /** lspci's text after `Capabilities: [xxx] `, where it is fixed for the ID. */
  readonly lspci?: string;
}

const n = (name: string, lspci?: string): CapabilityName => (lspci === undefined ? { name } : { name, lspci });

export const STANDARD_CAPABILITIES: Readonly<Record<number, CapabilityName>> = {
  0x00: n('Null'),
  0x01: n('Power Management'),
  0x02: n('AGP'),
  0x03: n('Vital Product Data (VPD)'),
  0x04: n('Slot Identification'),
  0x05: n('MSI'),
  0x06: n('CompactPCI Hot Swap'),
  0x07: n('PCI-X'),
  0x08: n('HyperTransport'),
  0x09: n('Vendor Specific'),
  0x0a: n('Debug Port'),
  0x0b: n('CompactPCI Central Resource Control'),
  0x0c: n('PCI Hot-Plug'),
  0x0d: n('Bridge Subsystem Vendor ID'),
  0x0e: n('AGP 8x'),
  0x0f: n('Secure Device'),
  0x10: n('PCI Express'),
  0x11: n('MSI-X'),
  0x12: n('SATA Data/Index Configuration'),
  0x13: n('Advanced Features (AF)'),
  0x14: n('Enhanced Allocation (EA)'),
  0x15: n('Flattening Portal Bridge (FPB)'),
};

export const EXTENDED_CAPABILITIES: Readonly<Record<number, CapabilityName>> = {
  0x0000: n('Null', 'Null'),
  0x0001: n('Advanced Error Reporting (AER)', 'Advanced Error Reporting'),
  0x0002: n('Virtual Channel (VC)', 'Virtual Channel'),
  0x0003: n('Device Serial Number'),
  0x0004: n('Power Budgeting', 'Power Budgeting <?>'),
  0x0005: n('Root Complex Link Declaration', 'Root Complex Link'),
  0x0006: n('Root Complex Internal Link Control', 'Root Complex Internal Link <?>'),
  0x0007: n('Root Complex Event Collector Endpoint Association', 'Root Complex Event Collector Endpoint Association'),
  0x0008: n('Multi-Function Virtual Channel (MFVC)', 'Multi-Function Virtual Channel <?>'),
  0x0009: n('Virtual Channel (VC, with MFVC)', 'Virtual Channel'),
  0x000a: n('Root Complex Register Block (RCRB) Header', 'Root Bridge Control Block <?>'),
  0x000b: n('Vendor-Specific Extended Capability (VSEC)'),
  0x000c: n('Configuration Access Correlation (CAC)'),
  0x000d: n('Access Control Services (ACS)', 'Access Control Services'),
  0x000e: n('Alternative Routing-ID Interpretation (ARI)', 'Alternative Routing-ID Interpretation (ARI)'),
  0x000f: n('Address Translation Services (ATS)', 'Address Translation Service (ATS)'),
  0x0010: n('Single Root I/O Virtualization (SR-IOV)', 'Single Root I/O Virtualization (SR-IOV)'),
  0x0011: n('Multi-Root I/O Virtualization (MR-IOV)', 'Multi-Root I/O Virtualization <?>'),
  0x0012: n('Multicast', 'Multicast'),
  0x0013: n('Page Request Interface (PRI)', 'Page Request Interface (PRI)'),
  0x0014: n('Reserved for AMD'),
  0x0015: n('Resizable BAR', 'Physical Resizable BAR'),
  0x0016: n('Dynamic Power Allocation (DPA)', 'Dynamic Power Allocation <?>'),
  0x0017: n('TPH Requester', 'Transaction Processing Hints'),
  0x0018: n('Latency Tolerance Reporting (LTR)', 'Latency Tolerance Reporting'),
  0x0019: n('Secondary PCI Express', 'Secondary PCI Express'),
  0x001a: n('Protocol Multiplexing (PMUX)'),
  0x001b: n('Process Address Space ID (PASID)', 'Process Address Space ID (PASID)'),
  0x001c: n('LN Requester (LNR)'),
  0x001d: n('Downstream Port Containment (DPC)', 'Downstream Port Containment'),
  0x001e: n('L1 PM Substates', 'L1 PM Substates'),
  0x001f: n('Precision Time Measurement (PTM)', 'Precision Time Measurement'),
  0x0020: n('PCI Express over M-PHY (M-PCIe)'),
  0x0021: n('FRS Queueing'),
  0x0022: n('Readiness Time Reporting'),
  0x0023: n('Designated Vendor-Specific (DVSEC)', 'Designated Vendor-Specific <?>'),
  0x0024: n('VF Resizable BAR', 'VF Resizable BAR'),
  0x0025: n('Data Link Feature', 'Data Link Feature <?>'),
  0x0026: n('Physical Layer 16.0 GT/s', 'Physical Layer 16.0 GT/s <?>'),
  0x0027: n('Lane Margining at the Receiver'),
  0x0028: n('Hierarchy ID'),
  0x0029: n('Native PCIe Enclosure Management (NPEM)'),
  0x002a: n('Physical Layer 32.0 GT/s'),
  0x002b: n('Alternate Protocol'),
  0x002c: n('System Firmware Intermediary (SFI)'),
  0x002d: n('Shadow Functions'),
  0x002e: n('Data Object Exchange (DOE)', 'Data Object Exchange'),
  0x002f: n('Device 3'),
  0x0030: n('Integrity and Data Encryption (IDE)'),
  0x0031: n('Physical Layer 64.0 GT/s'),
  0x0032: n('Flit Logging'),
  0x0033: n('Flit Performance Measurement'),
  0x0034: n('Flit Error Injection'),
};

const hex = (id: number, digits: number): string => id.toString(16).padStart(digits, '0');

/** The name to show for a capability: the PCI-SIG name, or the bare ID for one not assigned (yet). */
export function capabilityName(id: number, extended: boolean): string {
  const known = (extended ? EXTENDED_CAPABILITIES : STANDARD_CAPABILITIES)[id];
  if (known !== undefined) return known.name;
  return extended ? `extended capability 0x${hex(id, 4)}` : `capability 0x${hex(id, 2)}`;
}

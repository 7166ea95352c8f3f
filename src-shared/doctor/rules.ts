// The doctor's rules: one table, each rule a small function over one typed event and
// what the doctor knows of its device (device-track.ts). `check` sees the device as it
// was before the event, `after` as the event left it; `atEnd` judges the state when
// the stream stops (or now, live). docs/doctor.md documents each with an example.
import { ACCESS_CONFIG, ACCESS_IO, ACCESS_WRITE, DropReason, UnclaimedKind } from '../timeline/event-kinds';
import { EventKind, eventField } from '../timeline/event-schema';
import type { DeviceTrack, VectorTrack } from './device-track';
import { field, type DoctorEvent } from './doctor-event';
import type { Severity } from './finding';
import { conflictSeqs, interruptModeConflict } from './interrupt-modes';
import { ENTRY_DWORD_TITLES, EntryDword, dwordAtOffset } from '../registers/msix-entry';

/** A rule's verdict on one event: the sentence of why, and any earlier events that show it too. */
export interface Hit {
  why: string;
  /** Whether the finding names the event's vector (false: the device as a whole). */
  perVector: boolean;
  related?: number[];
}

export interface EndHit extends Hit {
  vector: number;
  seq: number;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** The table's one line. */
  title: string;
  source: string;
  /** The event kinds `check` and `after` look at: the doctor calls them for those only. */
  kinds: readonly number[];
  check?(e: DoctorEvent, dev: DeviceTrack): Hit | null;
  after?(e: DoctorEvent, dev: DeviceTrack): Hit | null;
  atEnd?(dev: DeviceTrack): EndHit[];
}

// Imported bindings are read through getters under CommonJS interop; the checks run per event, so they use local copies.
const { AccessRefused, AccessUnclaimed, FunctionMaskChanged, IntxChanged, NotifyDelivered, NotifyDropped, NotifyPended, PbaWrite, TableWrite } = EventKind;
/** Read for every delivery: a reader of its own (see device-track.ts). */
const belowSixteen = eventField.NotifyDelivered.belowSixteen;
const hx = (n: number): string => `0x${(n >>> 0).toString(16)}`;
/** An AccessRefused's or AccessUnclaimed's address and AccessFlags. */
const address = (e: DoctorEvent): string => hx(e.kind === AccessRefused ? field(e, 'AccessRefused', 'address') : field(e, 'AccessUnclaimed', 'address'));
const accessFlags = (e: DoctorEvent): number => (e.kind === AccessRefused ? field(e, 'AccessRefused', 'access') : field(e, 'AccessUnclaimed', 'access'));
const unclaimed = (e: DoctorEvent): number => field(e, 'AccessUnclaimed', 'unclaimed');
const entryDword = (e: DoctorEvent): number => dwordAtOffset(field(e, 'TableWrite', 'offset'));
const isMemory = (flags: number): boolean => (flags & (ACCESS_IO | ACCESS_CONFIG)) === 0;
const dropped = (e: DoctorEvent, ...reasons: number[]): boolean => e.kind === NotifyDropped && reasons.includes(field(e, 'NotifyDropped', 'reason'));
const CONTROL_DWORD = EntryDword.VECTOR_CTRL;
const ENTRY_FIELDS = ['Message Address', 'Message Upper Address', 'Message Data', 'Vector Control'];
const MASK_CAUSES = ['its own mask bit', 'Function Mask', 'MSI-X being disabled', 'a state load'];

function maskedWhy(t: VectorTrack): string {
  return `masked by ${MASK_CAUSES[t.maskCause] ?? 'its mask'}${t.maskedSince >= 0 ? ` since #${t.maskedSince}` : ' since reset'}`;
}

export const RULES: readonly Rule[] = [
  {
    id: 'DR-PBA-WRITE',
    kinds: [PbaWrite],
    severity: 'warning',
    title: 'software wrote the PBA (read-only; the write is ignored)',
    source: 'msix-semantics P1; PCIe Base Spec, MSI-X PBA: Pending Bits are read-only; QEMU hw/pci/msix.c msix_pba_mmio_write',
    check: (e) =>
      e.kind === PbaWrite ? { why: `the PBA is read-only, so writing ${hx(field(e, 'PbaWrite', 'value'))} at PBA+${hx(field(e, 'PbaWrite', 'offset'))} changed nothing`, perVector: false } : null,
  },
  {
    id: 'DR-ACCESS-SIZE',
    kinds: [AccessRefused],
    severity: 'error',
    title: 'table/PBA access narrower than 4 bytes or misaligned (refused)',
    source: 'msix-semantics T1/P1; PCIe Base Spec, MSI-X Table: DWORD or aligned QWORD accesses only; QEMU msix_table_mmio_ops .valid',
    check: (e) =>
      e.kind === AccessRefused && isMemory(accessFlags(e)) && e.bdf !== 0xffff
        ? {
            why: `a ${accessFlags(e) & 0xf}-byte ${accessFlags(e) & ACCESS_WRITE ? 'write' : 'read'} at ${address(e)} reached the MSI-X table or PBA, which take only aligned 4- and 8-byte accesses: it was refused${accessFlags(e) & ACCESS_WRITE ? ' and changed nothing' : ' and read 0'}`,
            perVector: false,
          }
        : null,
  },
  {
    id: 'DR-UPDATE-UNMASKED',
    kinds: [TableWrite],
    severity: 'warning',
    title: 'message address/data of an entry changed while it could fire',
    source:
      'PCIe Base Spec, MSI-X Table Entries: changing Address or Data of an unmasked entry gives undefined results; msix-semantics T3 (no notifier fires); QEMU msix_table_mmio_write',
    check: (e, dev) => {
      if (e.kind !== TableWrite || entryDword(e) === CONTROL_DWORD || dev.vector(e.vector).masked) return null;
      return {
        why: `${ENTRY_DWORD_TITLES[entryDword(e)]} of vector ${e.vector} was rewritten while the vector was unmasked and MSI-X enabled: a message in flight may use half old, half new values; mask the vector first`,
        perVector: true,
      };
    },
  },
  {
    id: 'DR-QWORD-DATA-CTRL',
    kinds: [TableWrite],
    severity: 'warning',
    title: 'one 8-byte write of data + vector control that unmasks the entry',
    source: 'msix-semantics T1 (an 8-byte access is two 4-byte ones, low half first); PCIe Base Spec, MSI-X Table: QWORD accesses need not be atomic',
    check: (e) =>
      e.kind === TableWrite && field(e, 'TableWrite', 'access') === 8 && entryDword(e) === CONTROL_DWORD && (field(e, 'TableWrite', 'value') & 1) === 0
        ? {
            why: `vector ${e.vector}'s Message Data and Vector Control were written by one 8-byte write that clears the mask bit: the halves are not ordered by the spec, so write Data first and unmask with a separate 4-byte write`,
            perVector: true,
          }
        : null,
  },
  {
    id: 'DR-NEVER-UNMASKED',
    kinds: [],
    severity: 'warning',
    title: 'a vector was notified while masked and never unmasked: its interrupt is pending for good',
    source: 'msix-semantics N2, U3; QEMU msix_notify (masked: msix_set_pending) and msix_handle_mask_update',
    atEnd: (dev) => {
      const hits: EndHit[] = [];
      for (const [vector, t] of dev.vectors) {
        if (t.pendingSince < 0 || !t.masked) continue;
        hits.push({
          vector,
          seq: t.pendingSince,
          perVector: true,
          why: `vector ${vector} was notified at #${t.pendingSince} while ${maskedWhy(t)}, and was never unmasked: the message is still only a pending bit`,
        });
      }
      return hits;
    },
  },
  {
    id: 'DR-FMASK-LEFT-SET',
    kinds: [NotifyPended],
    severity: 'warning',
    title: 'MSI-X enabled with Function Mask still set while a vector is notified',
    source: 'msix-semantics M1, N2; PCIe Base Spec, MSI-X Message Control: Function Mask masks every vector; QEMU msix_masked',
    check: (e, dev) =>
      e.kind === NotifyPended && dev.msixEnabled && dev.functionMaskBit
        ? { why: `vector ${e.vector} was notified while MSI-X is enabled but Function Mask (Message Control bit 14) is still set: nothing is sent until it is cleared`, perVector: true }
        : null,
  },
  {
    id: 'DR-BUS-MASTER-OFF',
    kinds: [NotifyDropped],
    severity: 'error',
    title: 'a message was dropped because Bus Master is off',
    source: 'msix-semantics N3; PCI Local Bus Spec, Command bit 2 (Bus Master): MSI/MSI-X writes need it; QEMU msix_notify -> msi_send_message',
    check: (e) =>
      dropped(e, DropReason.BusMasterDisabled)
        ? { why: `vector ${e.vector}'s message was dropped because Bus Master Enable (Command bit 2) is clear: set it before interrupts can arrive`, perVector: true }
        : null,
  },
  {
    id: 'DR-NOT-IN-USE',
    kinds: [NotifyDropped],
    severity: 'error',
    title: 'notify on a vector the device does not use, or past the table',
    source: 'msix-semantics N1, U3, V1; QEMU msix_notify (msix_is_masked / vector >= nentries / !msix_vector_use_count)',
    check: (e) => {
      if (dropped(e, DropReason.VectorOutOfRange)) return { why: `the device notified vector ${e.vector}, past its table: the notify was ignored`, perVector: true };
      if (dropped(e, DropReason.NotInUse)) return { why: `vector ${e.vector} was notified but is not in use (use count 0): the notify was ignored`, perVector: true };
      if (dropped(e, DropReason.UnmaskNotInUse)) {
        return { why: `vector ${e.vector} was unmasked with its pending bit set but is not in use: the pending interrupt was cleared and nothing sent`, perVector: true };
      }
      return null;
    },
  },
  {
    id: 'DR-ADDR-UNCLAIMED',
    kinds: [NotifyDropped],
    severity: 'error',
    title: 'message aimed at an address nothing claims',
    source: 'msix-semantics A2; QEMU msi_send_message -> address_space_stl_le (unassigned access)',
    check: (e) =>
      dropped(e, DropReason.Unclaimed)
        ? { why: `vector ${e.vector}'s message went to ${hx(field(e, 'NotifyDropped', 'address'))}, which neither the APIC window (0xfee00000) nor memory claims: it was lost`, perVector: true }
        : null,
  },
  {
    id: 'DR-LOW-VECTOR',
    kinds: [NotifyDelivered],
    severity: 'error',
    title: 'fixed delivery to IDT vector 0–15',
    source: 'msix-semantics A1; Intel SDM Vol. 3, 10.5.2 (vectors 0-15 are reserved: an illegal vector error)',
    check: (e) =>
      e.kind === NotifyDelivered && belowSixteen(e.cols, e.i) !== 0
        ? { why: `vector ${e.vector} was delivered as a fixed interrupt to IDT vector ${hx(field(e, 'NotifyDelivered', 'data') & 0xff)}, one of the exception vectors 0-15: program Message Data bits 7:0 with 0x10 or above`, perVector: true }
        : null,
  },
  {
    id: 'DR-NO-SUCH-CPU',
    kinds: [NotifyDropped],
    severity: 'error',
    title: 'destination names no present CPU',
    source: 'msix-semantics A1; Intel SDM Vol. 3, 10.11.1 (Message Address bits 19:12: Destination ID)',
    check: (e) =>
      dropped(e, DropReason.NoSuchCpu)
        ? { why: `vector ${e.vector}'s message names APIC ID ${(field(e, 'NotifyDropped', 'address') >>> 12) & 0xff} (Message Address bits 19:12), and no present CPU has it: nobody took the interrupt`, perVector: true }
        : null,
  },
  {
    id: 'DR-RESERVED-CTRL',
    kinds: [TableWrite],
    severity: 'warning',
    title: 'reserved bits 31:1 of Vector Control set',
    source: 'PCIe Base Spec, MSI-X Vector Control: bits 31:1 reserved, software must write 0 (or preserve); msix-semantics T2',
    check: (e) =>
      e.kind === TableWrite && entryDword(e) === CONTROL_DWORD && (field(e, 'TableWrite', 'value') & ~1) !== 0
        ? { why: `vector ${e.vector}'s Vector Control was written with ${hx(field(e, 'TableWrite', 'value'))}: bits 31:1 are reserved and must be 0`, perVector: true }
        : null,
  },
  {
    id: 'DR-MSI-AND-MSIX',
    kinds: [IntxChanged, FunctionMaskChanged],
    severity: 'error',
    title: 'MSI and MSI-X enabled together (or INTx asserted while either is enabled)',
    source:
      'PCIe Base Spec, MSI-X Enable: while set, the function must not use INTx or MSI; MSI Enable: while set, not INTx; msix-semantics C3, D1; msi-rules MW1, MD1; QEMU msix_write_config, msi_write_config (pci_device_deassert_intx)',
    after: (e, dev) => {
      if (e.kind !== IntxChanged && e.kind !== FunctionMaskChanged) return null;
      const why = interruptModeConflict(dev);
      return why === null ? null : { why, perVector: false, related: conflictSeqs(dev).filter((s) => s !== e.seq) };
    },
  },
  {
    id: 'DR-BEYOND-TABLE',
    kinds: [AccessUnclaimed],
    severity: 'error',
    title: 'an entry written past table size N−1',
    source: 'PCIe Base Spec, MSI-X Message Control Table Size (N-1); msix-semantics A3; QEMU msix_table_mmio_ops covers N entries only',
    check: (e) =>
      e.kind === AccessUnclaimed && unclaimed(e) === UnclaimedKind.BeyondTable && (accessFlags(e) & ACCESS_WRITE) !== 0
        ? { why: `the write at ${address(e)} lands past the last entry of the device's MSI-X table (Table Size is N-1): nothing claims it and it was dropped`, perVector: false }
        : null,
  },
  {
    id: 'DR-DECODE-OFF',
    kinds: [AccessUnclaimed],
    severity: 'error',
    // Not an unassigned BAR (address 0): it has no address to know an access meant for it by (docs/doctor.md says what shows it).
    title: 'table or PBA accessed at the address its BAR holds while the BAR does not decode (Memory Space off, or a bridge above not forwarding it)',
    source: 'PCI Local Bus Spec, Command bit 1 (Memory Space); msix-semantics B2, A3; QEMU pci_update_mappings',
    check: (e) =>
      e.kind === AccessUnclaimed && (unclaimed(e) === UnclaimedKind.TableUndecoded || unclaimed(e) === UnclaimedKind.PbaUndecoded)
        ? {
            why: `the ${accessFlags(e) & ACCESS_WRITE ? 'write' : 'read'} at ${address(e)} is where the MSI-X ${unclaimed(e) === UnclaimedKind.TableUndecoded ? 'table' : 'PBA'} would be, but its BAR does not decode (Memory Space off, or an address it or a bridge above cannot decode at): ${accessFlags(e) & ACCESS_WRITE ? 'it was dropped' : 'it read 0'}`,
            perVector: false,
          }
        : null,
  },
];


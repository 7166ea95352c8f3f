// The timeline export formats and time axes: what the CLI's `export`, the app's
// menus and the contract's exportTimeline request all offer.
export const EXPORT_FORMATS = ['vcd', 'perfetto', 'perfetto-json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { vcd: '.vcd', perfetto: '.pftrace', 'perfetto-json': '.json', csv: '.csv' };
export const EXPORT_MIME_TYPES: Record<ExportFormat, string> = { vcd: 'text/x-vcd', perfetto: 'application/x-protobuf', 'perfetto-json': 'application/json', csv: 'text/csv' };
/** For menus and dialogs. */
export const EXPORT_TITLES: Record<ExportFormat, string> = {
  vcd: 'VCD (GTKWave, Surfer)',
  perfetto: 'Perfetto trace (ui.perfetto.dev)',
  'perfetto-json': 'Perfetto / Chrome trace JSON',
  csv: 'CSV',
};

/** Where an event sits on the time axis: virtual nanoseconds, or its sequence number (one tick per event). */
export const TIME_AXES = ['ns', 'seq'] as const;
export type TimeAxis = (typeof TIME_AXES)[number];
/** The formats that take the sequence-number axis (a VCD's time is physical: it is always virtual time). */
export const SEQ_AXIS_FORMATS: readonly ExportFormat[] = ['perfetto', 'perfetto-json'];

// A window of the timeline as the host answers it (timelineWindow): what the screen
// shows of each lane at its pixel resolution, never more. Zoomed in, every event is
// its own mark at its exact x; zoomed out, one mark per class and pixel column
// carries how many events it stands for and the first of them (a click selects it).
export interface WindowLane {
  key: number;
  /** Every event in the window is its own mark (false: marks are per-pixel buckets). */
  exact: boolean;
  /** Per mark: x in pixels from the window's start, MarkerClass (or EDGE: a mask change), events it stands for, sequence number of its first. */
  x: number[];
  cls: number[];
  count: number[];
  seq: number[];
  /** Events of each MarkerClass, then EDGE, in the window. */
  totals: number[];
  /** Masked spans as [fromPx, toPx] pairs. */
  masked: number[];
  /** The lane's masked state at the window's start, from its mask changes; null when it had none. */
  maskedAtStart: boolean | null;
}

export interface TimelineWindow {
  startNs: number;
  endNs: number;
  pixels: number;
  /** Events ever logged when the window was cut. */
  total: number;
  /** Events before the oldest one held (evicted or never received): drawn as an evicted range. */
  evicted: number;
  /** Of those, the events the machine overwrote before the host's history could take them. */
  missed: number;
  /** Times of the oldest and newest event held; null when none is. */
  oldestTimeNs: number | null;
  newestTimeNs: number | null;
  lanes: WindowLane[];
  /** Every lane with an event held (with a filter: one it lets through), asked for or not: the lanes that are not idle. */
  activeLanes: number[];
  /** How far the window's filter has got through the history; null without a filter. */
  filter: FilterProgress | null;
  /** Present only when the system refused to reserve the history asked for: the events asked for, and those it holds. */
  reduced?: { asked: number; capacity: number };
}

/** A filter runs over the history a slice per request: matched so far, and whether it has tested every held event. */
export interface FilterProgress {
  matched: number;
  complete: boolean;
  /** Events tested so far, of the `total - evicted` held. */
  tested: number;
}

/** At most this many pixel columns and lanes per query. */
export const MAX_WINDOW_PIXELS = 8192;
export const MAX_WINDOW_LANES = 512;

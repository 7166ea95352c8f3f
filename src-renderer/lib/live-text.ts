// How often text that a live stream changes every frame (counters, the range shown) is
// rewritten: a tenth of a second, Wireshark's default gui.update_interval. Text replaced
// faster is not read, and every replacement lays its part of the page out again.
export const LIVE_TEXT_MS = 100;

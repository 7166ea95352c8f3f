import { describe, expect, it } from 'vitest';
import { Clock, MAX_TIME_NS, clockRangeError, periodOfRate } from '../../src-main/machine/clock';

describe('virtual clock', () => {
  it('keeps whole-ns time with a fractional period, at the exact rate (1e9/3 ns: three firings per second)', () => {
    const clock = new Clock();
    const at: number[] = [];
    clock.every(periodOfRate(3), () => at.push(clock.now));
    clock.advanceTo(3e9);
    expect(at).toEqual([333_333_333, 666_666_666, 1_000_000_000, 1_333_333_333, 1_666_666_666, 2_000_000_000, 2_333_333_333, 2_666_666_666, 3_000_000_000]);
  });

  it('rounds an advance down to a whole ns: time never holds a fraction', () => {
    const clock = new Clock();
    clock.advanceTo(291_190_925.00000036);
    expect(clock.now).toBe(291_190_925);
    expect(Number.isInteger(clock.now)).toBe(true);
  });

  it('fires a 1 ns timer right up to the end of time, each time once, and stops there', () => {
    const clock = new Clock();
    clock.setNow(MAX_TIME_NS - 10);
    let fired = 0;
    clock.every({ num: 1, den: 1 }, () => fired++);
    expect(clock.advanceTo(MAX_TIME_NS)).toBe(true);
    expect(fired).toBe(10);
    expect(clock.now).toBe(MAX_TIME_NS);
  });

  it('refuses to go past the end of time, before anything moves', () => {
    const clock = new Clock();
    let fired = 0;
    clock.every({ num: 1000, den: 1 }, () => fired++);
    expect(() => clock.advanceTo(2 ** 60)).toThrow(/past the end of virtual time \(2\^53 - 1 = 9007199254740991 ns/);
    expect(clock.now).toBe(0);
    expect(fired).toBe(0);
    expect(clockRangeError(MAX_TIME_NS)).toBeNull();
    expect(() => clock.setNow(2 ** 60)).toThrow(/whole number of ns/);
    expect(() => clock.setNow(1.5)).toThrow(/whole number of ns/);
  });

  it('refuses a period below 1 ns (a source faster than the clock can tell apart)', () => {
    expect(() => new Clock().every({ num: 1, den: 2 }, () => undefined)).toThrow(/at least 1 ns/);
  });

  it('a rate with decimals keeps its exact period; a rate of one a day or less is whole ns', () => {
    expect(periodOfRate(1000)).toEqual({ num: 1e9, den: 1000 });
    expect(periodOfRate(0.5)).toEqual({ num: 1e10, den: 5 });
    expect(periodOfRate(1234.5)).toEqual({ num: 1e10, den: 12345 });
    expect(periodOfRate(1e9)).toEqual({ num: 1e9, den: 1e9 });
    expect(periodOfRate(1e-8)).toEqual({ num: 1e17 > MAX_TIME_NS ? MAX_TIME_NS : 1e17, den: 1 });
    const third = new Clock();
    let n = 0;
    third.every(periodOfRate(1 / 3), () => n++);
    third.advanceTo(30e9);
    expect(n).toBe(10);
  });
});

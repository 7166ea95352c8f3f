import { defineConfig } from 'vitest/config';

// The real-guest tests of `irqscope qemu` (test/qemu/*.guest.ts) boot Linux in QEMU TCG:
// they run on their own, one file at a time, after the unit tests, so neither slows the other.
export default defineConfig({
  test: {
    include: ['test/qemu/**/*.guest.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});

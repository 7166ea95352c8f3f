const root = process.argv[2]!;
const { measureEngine } = await import(`${root}/bench/engine.ts`);
const r = measureEngine(20_000_000);
console.log(root.padEnd(12), (r.deliveredPerSecond/1e6).toFixed(1), (r.maskedPerSecond/1e6).toFixed(1), (r.tableWritesPerSecond/1e6).toFixed(1));

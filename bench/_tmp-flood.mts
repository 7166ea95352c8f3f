import { liveFlood } from './live-flood.ts';
for (const rate of process.argv.slice(2).map(Number)) console.log(JSON.stringify(await liveFlood(rate)));

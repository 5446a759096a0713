import v8 from 'node:v8';

// Imported first by the entry points. graphql-js reads NODE_ENV when it loads and keeps its
// slower development checks unless it is "production"; config.ts treats unset as production too.
process.env.NODE_ENV ||= 'production';

// V8 grows the heap by up to 4× the live size after a collection when it thinks it can afford to; a bulk call
// (5,000 items, a few copies of each alive across its statements) then took the server to ~400 MB resident
// although little of it stays alive. Growing by 70 % at a time keeps it near 235 MB at the same ingest speed;
// 15 % and 40 % kept it near 200 MB but collected so often that look-ups lost up to a fifth of their rate
// (docs/benchmarks.md, national scale). Read at each collection, so setting it now takes effect; a flag given on
// the command line wins.
if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent')) && !/heap-growing-percent/.test(process.env.NODE_OPTIONS ?? '')) {
  v8.setFlagsFromString('--heap-growing-percent=70');
}

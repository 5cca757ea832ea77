#!/usr/bin/env node
// node scripts/bench/app-run.mjs [--quick] [--reps N] [--only live,stored]: the app bench alone,
// printing its Markdown section (scripts/bench.mjs runs it with the rest).
import { runAppBench } from './app.mjs';

const argv = process.argv.slice(2);
const reps = argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : 3;
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : undefined;

runAppBench({ quick: argv.includes('--quick'), reps, log, ...(only ? { only } : {}) })
  .then(({ markdown }) => console.log(`\n${markdown}`))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });

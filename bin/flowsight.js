#!/usr/bin/env node
// The flowsight command. Runs the built CLI (dist/, made by `npm install` through `prepare`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `sluice` executable: a thin shell around main() so it can be tested in-process.
import { main } from './index.js';

process.exitCode = await main(process.argv.slice(2));

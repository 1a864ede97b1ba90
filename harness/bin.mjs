#!/usr/bin/env node
// Entry point of the `alloc-bench` CLI: runs the TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli/main.ts');
await main(process.argv.slice(2));

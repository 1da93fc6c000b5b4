#!/usr/bin/env node
// Entry point for `npx nolock-bench` / the package's bin: load the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');

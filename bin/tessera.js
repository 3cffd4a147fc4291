#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx tessera …` works from a checkout without a build.
import { register } from 'tsx/esm/api';

process.env.APOLLO_TELEMETRY_DISABLED = '1';
register();
await import('../src/cli/main.ts');

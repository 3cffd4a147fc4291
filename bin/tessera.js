#!/usr/bin/env node
// The `tessera` command. Installed from the package it runs the CLI built into dist/; in a
// checkout of the repository it runs the TypeScript source through tsx, so `npx tessera …` needs
// no build there and never runs a stale one.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  // The checkout's app imports `tessera-gateway`: the source as well (package.json's `tessera-source` condition).
  register('data:text/javascript,export const resolve = (specifier, context, next) => next(specifier, { ...context, conditions: [...context.conditions, "tessera-source"] });');
  (await import('tsx/esm/api')).register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}

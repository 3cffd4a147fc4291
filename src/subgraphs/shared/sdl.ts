import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads `schema/<name>.graphql`, the SDL that codegen and composition also read. */
export function loadSdl(name: string): DocumentNode {
  const file = new URL(`../../../schema/${name}.graphql`, import.meta.url);
  return parse(readFileSync(file, 'utf8'));
}

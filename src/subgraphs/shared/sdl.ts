import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';
import { internNames } from '../../composition/oneByteNames.js';

/** Reads `schema/<name>.graphql`, the SDL that codegen and composition also read. */
export function loadSdl(name: string): DocumentNode {
  const file = new URL(`../../../schema/${name}.graphql`, import.meta.url);
  return parse(internNames(readFileSync(file, 'utf8')));
}

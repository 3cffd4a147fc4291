import { readFileSync } from 'node:fs';

/** The SDL text of `schema/<name>.graphql`, the file codegen and composition also read. */
export function readSdl(name: string): string {
  return readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8');
}

import { readdirSync, readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url);

/** The README and every page of `docs/`, by path relative to the repository: what a reader reads. */
export function readDocs(): Map<string, string> {
  const pages = new Map<string, string>([['README.md', readFileSync(new URL('README.md', ROOT), 'utf8')]]);
  for (const name of readdirSync(new URL('docs/', ROOT)).filter((n) => n.endsWith('.md')).sort()) {
    pages.set(`docs/${name}`, readFileSync(new URL(`docs/${name}`, ROOT), 'utf8'));
  }
  return pages;
}

/** The text of one page. */
export function readDoc(path: string): string {
  return readFileSync(new URL(path, ROOT), 'utf8');
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

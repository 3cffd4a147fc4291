import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headingSlug, readDocs } from '../helpers/docs.js';

const PAGES = readDocs();
const ROOT = new URL('../../', import.meta.url);

/** The anchors a page offers: one per heading, outside fenced code. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (heading) anchors.add(headingSlug(heading[1]!));
  }
  return anchors;
}

/** Every relative markdown link of a page, outside fenced code: `[text](target)`. */
function linksOf(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
}

describe('README and docs/', () => {
  it('the README gets a newcomer running on its first screen: the two commands and the first query', () => {
    const firstScreen = PAGES.get('README.md')!.split('\n').slice(0, 50).join('\n');
    expect(firstScreen).toContain('npm install && npm start');
    expect(firstScreen).toContain('npm test');
    expect(firstScreen).toMatch(/curl -s http:\/\/127\.0\.0\.1:4000\/graphql .*-d '\{"query":/);
  });

  it('the README says how to get the Redis the tests need, and how to point them at another', () => {
    const quickStart = PAGES.get('README.md')!.split('## The first query')[0]!;
    expect(quickStart).toContain('redis-server --port 6379');
    expect(quickStart).toContain('TEST_REDIS_URL=');
    // …which is the variable the tests read.
    expect(readFileSync(new URL('test/helpers/redis.ts', ROOT), 'utf8')).toContain("process.env['TEST_REDIS_URL']");
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(linksOf(PAGES.get('README.md')!).map((t) => t.split('#')[0]));
    const pages = [...PAGES.keys()].filter((p) => p.startsWith('docs/'));
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it.each([...PAGES.keys()])('every relative link of %s names a file, and a heading of it', (page) => {
    const broken: string[] = [];
    const base = new URL(page, ROOT);
    for (const target of linksOf(PAGES.get(page)!)) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? new URL(path, base) : base;
      if (!existsSync(file)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      const relative = file.pathname.slice(ROOT.pathname.length);
      const text = PAGES.get(relative);
      if (anchor && text && !anchorsOf(text).has(anchor)) broken.push(`${target}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });
});

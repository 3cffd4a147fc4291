// `tsx bench/profile.ts FILE.cpuprofile|DIR [TOP]`: the top self-time functions of a `node --cpu-prof`
// profile. Given a folder, reads its largest profile: the main thread's (loader threads write tiny ones).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProfileSummary, summarizeProfile, type CpuProfile } from './lib/cpuProfile.js';

const [target, top = '30'] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: tsx bench/profile.ts FILE.cpuprofile|DIR [TOP]\n');
  process.exit(2);
}
let file = target;
if ((await stat(target)).isDirectory()) {
  const names = (await readdir(target)).filter((n) => n.endsWith('.cpuprofile'));
  const sized = await Promise.all(names.map(async (n) => ({ n, size: (await stat(join(target, n))).size })));
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  if (!largest) throw new Error(`no .cpuprofile in ${target}`);
  file = join(target, largest.n);
}
const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
process.stdout.write(`${file}\n${formatProfileSummary(summarizeProfile(profile, Number(top)))}\n`);

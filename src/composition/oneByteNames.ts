/**
 * V8 keeps one copy of each property name, made from the first string that named it. A name sliced
 * out of SDL text holding any character above U+00FF (an ellipsis or a dash in a description) is
 * stored two bytes a character, and if it is first it becomes that one copy: every response object
 * with the field then has a two-byte key, `JSON.stringify` writes the whole answer two bytes a
 * character, and a 94 KiB answer becomes a 188 KiB string, allocated as a large object and encoded
 * to UTF-8 on a slow path (about 1.2 ms for that answer). Interning each name of an SDL
 * text as a one-byte string before anything parses it keeps every name one-byte.
 *
 * The names are kept for the life of the process, so the one-byte copies stay the ones V8 finds:
 * the vocabulary of the served schemas, small and bounded.
 */
const interned: Record<string, true> = Object.create(null) as Record<string, true>;
/** The same names, looked up without interning the (maybe two-byte) candidate. */
const seen = new Set<string>();
const NAME = /[_A-Za-z][_0-9A-Za-z]*/g;

/** Interns the names in `sdl` as one-byte strings; returns `sdl`. Call it before the SDL is parsed. */
export function internNames(sdl: string): string {
  for (const [name] of sdl.matchAll(NAME)) {
    if (seen.has(name)) continue;
    // Names are ASCII: a Latin-1 round trip makes a one-byte copy, which naming a property interns.
    const narrow = Buffer.from(name, 'latin1').toString('latin1');
    interned[narrow] = true;
    seen.add(narrow);
  }
  return sdl;
}

/** Comparing gateways' answers. Pure: data in, data out. */

const show = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/**
 * Where `actual` first departs from `expected` (`data.users[3].name: "Ada" ≠ null`), or undefined
 * when they are equal. Object keys are compared as sets, so key order does not count; list order does.
 */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (Object.is(expected, actual)) return undefined;
  const at = path || '(the answer)';
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${at}: ${show(expected)} ≠ ${show(actual)}`;
    if (expected.length !== actual.length) return `${at}: ${expected.length} items ≠ ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null) {
    return `${at}: ${show(expected)} ≠ ${show(actual)}`;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const next = path ? `${path}.${key}` : key;
    if (!(key in a)) return `${next}: missing`;
    if (!(key in e)) return `${next}: not expected (${show(a[key])})`;
    const found = firstDifference(e[key], a[key], next);
    if (found) return found;
  }
  return undefined;
}

/**
 * JSON text with object keys sorted by code point at every level: what the
 * service promises to return for data it was sent in any key order. Written
 * apart from the service's own canonicalJson, so tests check it rather than copy it.
 */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const entries = Object.entries(v).sort(([a], [b]) => compareCodePoints(a, b));
    return Object.fromEntries(entries);
  });
}

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

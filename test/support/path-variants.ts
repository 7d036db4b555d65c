/**
 * Path variants an attacker tries against a catalogued path, to slip past a check that matches paths one way while
 * the router matches them another: trailing and doubled slashes, encoded slashes and letters, case, `;` parameters,
 * dot segments (plain and encoded), suffixes, and the absolute form of the request target. Each is a raw request
 * target, sent on the wire as written (fetch would normalize most of them away).
 */
export interface PathVariant {
  name: string;
  target: string;
}

export function pathVariants(path: string, origin: string): PathVariant[] {
  const slash = path.lastIndexOf('/');
  const head = path.slice(0, slash);
  const last = path.slice(slash + 1);
  const [first = '', ...rest] = path.slice(1).split('/');
  const capitalized = `/${first.charAt(0).toUpperCase()}${first.slice(1)}${rest.length > 0 ? `/${rest.join('/')}` : ''}`;
  const encodedLetter = (segment: string): string => `%${segment.charCodeAt(0).toString(16).toUpperCase()}${segment.slice(1)}`;
  const variants: PathVariant[] = [
    { name: 'trailing slash', target: `${path}/` },
    { name: 'two trailing slashes', target: `${path}//` },
    { name: 'doubled leading slash', target: `/${path}` },
    { name: 'doubled inner slash', target: `${head}//${last}` },
    { name: 'encoded slash', target: `${head}%2F${last}` },
    { name: 'encoded slash, lower case', target: `${head}%2f${last}` },
    { name: 'upper case', target: path.toUpperCase() },
    { name: 'capitalized first segment', target: capitalized },
    { name: 'percent-encoded first letter of the last segment', target: `${head}/${encodedLetter(last)}` },
    { name: 'percent-encoded first letter of the first segment', target: `/${encodedLetter(first)}${path.slice(first.length + 1)}` },
    { name: '; parameter', target: `${path};x=1` },
    { name: '; parameter on the first segment', target: `/${first};x=1${path.slice(first.length + 1)}` },
    { name: 'dot segment', target: `${head}/./${last}` },
    { name: 'dot-dot segment', target: `${head}/zz/../${last}` },
    { name: 'encoded dot segment', target: `${head}/%2e/${last}` },
    { name: 'encoded dot-dot segment', target: `${head}/zz/%2e%2e/${last}` },
    { name: 'suffix segment', target: `${path}/anything` },
    { name: 'suffix characters', target: `${path}x` },
    { name: 'suffix extension', target: `${path}.json` },
    { name: 'encoded NUL suffix', target: `${path}%00` },
    { name: 'backslash suffix', target: `${path}%5C` },
    { name: 'absolute form', target: `${origin}${path}` },
    { name: 'absolute form, trailing slash', target: `${origin}${path}/` },
  ];
  const seen = new Set<string>([path]);
  return variants.filter((variant) => !seen.has(variant.target) && seen.add(variant.target));
}

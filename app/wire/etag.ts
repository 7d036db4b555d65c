import { createHash } from 'node:crypto';

/**
 * Strong entity tags of an item's REST representation (RFC 9110 8.8.3), derived from its id and version:
 * `"<version>.<hash of id and version>"`. The version can be read back from an If-Match without a read, and the
 * hash makes a tag from another item, or a made-up one, never match.
 */
export function etagOf(item: { id: string; version: number }): string {
  return `"${item.version}.${digest(item.id, item.version)}"`;
}

const digest = (id: string, version: number): string => createHash('sha256').update(`${id}\n${version}`).digest('base64url').slice(0, 16);

/** The version an entity tag names for this item, or undefined when it is not one of its tags (or is weak). */
export function versionFromEtag(id: string, tag: string): number | undefined {
  const match = /^"(\d{1,15})\.([A-Za-z0-9_-]{16})"$/.exec(tag);
  if (!match) return undefined;
  const version = Number(match[1]);
  return version >= 1 && match[2] === digest(id, version) ? version : undefined;
}

/** An If-Match / If-None-Match value: `*`, or the listed tags (weak ones keep their W/ prefix). */
export function entityTags(header: string): '*' | string[] {
  if (header.trim() === '*') return '*';
  return [...header.matchAll(/(?:W\/)?"[^"]*"/g)].map((m) => m[0]);
}

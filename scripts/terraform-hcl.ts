/* eslint-disable @typescript-eslint/no-explicit-any -- hcl2json gives untyped JSON; its readers (the Terraform tests, the docs generator, the bench) walk it freely. */
/**
 * The Terraform modules parsed with HashiCorp's HCL parser (hcl2json): shared by scripts/terraform-docs.ts, the
 * Terraform unit tests and the bench, so it lives with the scripts rather than inside a test folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

export const TERRAFORM_DIR = join(__dirname, '..', 'terraform');

/** One Terraform module (a folder): its .tf files parsed by HashiCorp's HCL parser and merged by block type. */
export interface Module {
  dir: string;
  files: string[];
  variable: Record<string, Record<string, any>>;
  output: Record<string, Record<string, any>>;
  locals: Record<string, any>;
  module: Record<string, Record<string, any>>;
  resource: Record<string, Record<string, Record<string, any>>>;
  data: Record<string, Record<string, Record<string, any>>>;
  terraform: Record<string, any>[];
}

/** hcl2json wraps every block in a list; unwrap the single ones. */
function first<T>(value: T | T[]): T {
  return Array.isArray(value) ? (value[0] as T) : value;
}

export async function loadModule(dir: string): Promise<Module> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  const mod: Module = { dir, files, variable: {}, output: {}, locals: {}, module: {}, resource: {}, data: {}, terraform: [] };
  for (const file of files) {
    const json = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Record<string, any>;
    for (const [name, body] of Object.entries(json.variable ?? {})) mod.variable[name] = first(body as any);
    for (const [name, body] of Object.entries(json.output ?? {})) mod.output[name] = first(body as any);
    for (const block of json.locals ?? []) Object.assign(mod.locals, block);
    for (const [name, body] of Object.entries(json.module ?? {})) mod.module[name] = first(body as any);
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [name, body] of Object.entries(byName as Record<string, any>)) {
          (mod[kind][type] ??= {})[name] = first(body);
        }
      }
    }
    mod.terraform.push(...(json.terraform ?? []));
  }
  return mod;
}

export function moduleDirs(): string[] {
  const modules = join(TERRAFORM_DIR, 'modules');
  return readdirSync(modules)
    .map((name) => join(modules, name))
    .filter((dir) => existsSync(join(dir, 'main.tf')));
}

/** Every string in a parsed block, depth first. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The `${ ... }` expressions inside a string, with nested braces. */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  for (let start = text.indexOf('${'); start !== -1; start = text.indexOf('${', start + 2)) {
    let depth = 0;
    for (let i = start + 1; i < text.length; i += 1) {
      if (text[i] === '{') depth += 1;
      else if (text[i] === '}' && --depth === 0) {
        found.push(text.slice(start + 2, i));
        break;
      }
    }
  }
  return found;
}

/** Removes quoted string literals from an expression, so names inside them are not taken for references. */
export function withoutLiterals(expression: string): string {
  return expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

import { resolve } from 'node:path';
import { interpolations, strings, withoutLiterals, type Module } from '../../scripts/terraform-hcl';

/**
 * Terraform must know every `count` and `for_each` when it plans. An input (a root variable, or a module input fed
 * from one), a local built from inputs, a data source whose arguments are inputs, or a module output that passes such
 * a value through are known; a resource attribute is not (a certificate ARN is unknown until ACM issues it), so a
 * count derived from one fails the first plan with "Invalid count argument" while later plans pass.
 *
 * `unknownCounts` follows each count/for_each through locals, module inputs (to the caller's argument), module
 * outputs (into the callee) and data-source arguments, and returns one line per count/for_each that reaches a
 * resource attribute, naming the path.
 */
interface Context {
  mod: Module;
  name: string;
  caller?: { ctx: Context; call: Record<string, any> };
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
const isObjectLiteral = (mod: Module, value: unknown): boolean => {
  const local = typeof value === 'string' ? /^\$\{local\.([A-Za-z_][\w-]*)\}$/.exec(value) : null;
  return isObject(local ? mod.locals[local[1]!] : value);
};

const expressionsOf = (value: unknown): string[] => strings(value).flatMap(interpolations).map(withoutLiterals);

export function unknownCounts(root: Module, children: Map<string, Module>): string[] {
  const byDir = new Map([...children.values()].map((m) => [m.dir, m]));
  const problems: string[] = [];

  const callee = (ctx: Context, name: string): Context | undefined => {
    const call = ctx.mod.module[name];
    const target = call && byDir.get(resolve(ctx.mod.dir, call.source));
    return target && { mod: target, name: `${ctx.name}/module.${name}`, caller: { ctx, call } };
  };

  // Each reference in an expression that is not known at plan time, as a path of what led there.
  const unknownIn = (ctx: Context, expressions: string[], seen: Set<string>): string[] => {
    const found: string[] = [];
    const visit = (key: string, next: () => string[]) => {
      if (seen.has(key)) return;
      seen.add(key);
      found.push(...next());
    };
    for (const expr of expressions) {
      for (const [, v] of expr.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) {
        const arg = ctx.caller?.call[v!];
        if (ctx.caller && arg !== undefined) {
          visit(`${ctx.name}:var.${v}`, () => unknownIn(ctx.caller!.ctx, expressionsOf(arg), seen).map((p) => `var.${v} <- ${p}`));
        }
      }
      for (const [, l] of expr.matchAll(/(?<![\w.])local\.([A-Za-z_][\w-]*)/g)) {
        visit(`${ctx.name}:local.${l}`, () => unknownIn(ctx, expressionsOf(ctx.mod.locals[l!]), seen).map((p) => `local.${l} <- ${p}`));
      }
      for (const [, t, n] of expr.matchAll(/(?<![\w.])data\.([a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
        visit(`${ctx.name}:data.${t}.${n}`, () => unknownIn(ctx, expressionsOf(ctx.mod.data[t!]?.[n!]), seen).map((p) => `data.${t}.${n} <- ${p}`));
      }
      for (const [, m, o] of expr.matchAll(/(?<![\w.])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)/g)) {
        const inner = callee(ctx, m!);
        if (!inner) continue;
        visit(`${ctx.name}:module.${m}.${o}`, () => unknownIn(inner, expressionsOf(inner.mod.output[o!]?.value), seen).map((p) => `module.${m}.${o} <- ${p}`));
      }
      for (const [, t, n] of expr.matchAll(/(?<![\w.])(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
        if (ctx.mod.resource[t!]?.[n!]) found.push(`${ctx.name}: ${t}.${n} (a resource attribute)`);
      }
    }
    return found;
  };

  const check = (ctx: Context) => {
    const blocks: [string, Record<string, any>][] = [
      ...Object.entries(ctx.mod.resource).flatMap(([t, byName]) => Object.entries(byName).map(([n, b]) => [`${t}.${n}`, b] as [string, Record<string, any>])),
      ...Object.entries(ctx.mod.data).flatMap(([t, byName]) => Object.entries(byName).map(([n, b]) => [`data.${t}.${n}`, b] as [string, Record<string, any>])),
      ...Object.entries(ctx.mod.module).map(([n, b]) => [`module.${n}`, b] as [string, Record<string, any>]),
    ];
    for (const [address, body] of blocks) {
      for (const meta of ['count', 'for_each'] as const) {
        if (body[meta] === undefined) continue;
        // for_each over a map written out as an object (directly or as a local) has literal keys: only keys must be
        // known, its values may come from anywhere.
        if (meta === 'for_each' && isObjectLiteral(ctx.mod, body[meta])) continue;
        for (const path of unknownIn(ctx, expressionsOf(body[meta]), new Set())) problems.push(`${ctx.name} ${address}.${meta}: ${path}`);
      }
    }
    for (const name of Object.keys(ctx.mod.module)) {
      const inner = callee(ctx, name);
      if (inner) check(inner);
    }
  };

  check({ mod: root, name: 'root' });
  return [...new Set(problems)];
}

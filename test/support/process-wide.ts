/**
 * The one value of `key` in this process, made by `create` on first use. Mocha loads a test
 * file with require(), or with import() when its imports use top-level await (the console
 * build does), and a module reached both ways is evaluated once per module system: a
 * module-level variable then exists twice. State the whole run must share (the databases
 * its end drops) is kept here, where both copies of a module find the same value.
 */
export function processWide<T>(key: string, create: () => T): T {
  const registry = globalThis as unknown as Record<symbol, T | undefined>;
  const symbol = Symbol.for(`pager.test.${key}`);
  registry[symbol] ??= create();
  return registry[symbol];
}

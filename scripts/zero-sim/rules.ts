/**
 * The zero-simulation rule catalogue: every rule the checker enforces, with its stable id, what it
 * catches and why. Ids are append-only (a released id is never renamed or reused), like error codes.
 * DESIGN.md §5; docs/zero-sim.md lists the same rules with examples.
 * @module
 */

/** One rule: a stable id, what it catches, and why that breaks replay. */
export type Rule<Id extends string = string> = {
  readonly id: Id;
  readonly catches: string;
  readonly why: string;
  /** Meta rules judge the exception comments themselves and cannot be excepted. */
  readonly meta: boolean;
};

function rule<const Id extends string>(
  id: Id,
  catches: string,
  why: string,
  meta = false,
): Rule<Id> {
  return Object.freeze({ id, catches, why, meta });
}

/** Every rule, in the order the documentation lists them. */
export const RULES = Object.freeze([
  rule(
    'ZS_CLOCK',
    '`Date` (any use), `performance`, `process.hrtime`/`uptime`/`cpuUsage`, `perf_hooks`',
    'the wall clock differs on every run; the only timestamp the core sees is the DRV packet’s',
  ),
  rule(
    'ZS_TIMER',
    '`setTimeout`, `setInterval`, `setImmediate`, `queueMicrotask`, `process.nextTick`, `timers`',
    'scheduling depends on the event loop and the clock, so the order of effects is not replayable',
  ),
  rule(
    'ZS_RANDOM',
    '`Math.random`, random APIs of `crypto`/`node:crypto`/the global `crypto`/`@noble/*` ' +
      '(`randomBytes`, `getRandomValues`, `randomUUID`, `randomInt`, `generateKey*`…), `uuid`, ' +
      '`nanoid`, `Buffer.allocUnsafe`',
    'a replay cannot reproduce fresh randomness (or uninitialised memory); entropy comes from ' +
      'the DRV packet seed',
  ),
  rule(
    'ZS_IO_IMPORT',
    'imports (static, `require`, re-export) of `fs`, `net`, `http`, `https`, `http2`, `dgram`, ' +
      '`dns`, `tls`, `child_process`, `cluster`, `worker_threads`, `os`, `readline`, `repl`, ' +
      '`tty`, `inspector`, `v8` and of I/O packages (`better-sqlite3`, `fastify`, `pino`, …)',
    'the core is pure: what it reads from disk, network or host differs between machines',
  ),
  rule(
    'ZS_ENV',
    '`process` (`process.env`, `argv`, `cwd`, `exit`, …), the `process` module, ' +
      '`__dirname`, `__filename`',
    'the host environment differs between machines; configuration reaches the core as arguments',
  ),
  rule(
    'ZS_FETCH',
    '`fetch`, `XMLHttpRequest`, `WebSocket`, `EventSource`',
    'network answers differ between runs; the node fetches and records, the core only judges',
  ),
  rule(
    'ZS_CONSOLE',
    '`console` (any use)',
    'the core performs no I/O; it returns values and throws coded errors, the node logs',
  ),
  rule(
    'ZS_FLOAT_LITERAL',
    'numeric literals that are not safe integers (`1.5`, `1.0`, `1e-3`, `1e21`), `NaN`, ' +
      '`Infinity`, `Number.EPSILON`/`MIN_VALUE`/`MAX_VALUE`/`NaN`/`POSITIVE_INFINITY`/' +
      '`NEGATIVE_INFINITY`',
    'values are bigint fixed point; a binary float cannot represent most decimal amounts',
  ),
  rule(
    'ZS_MATH',
    '`Math.*`, except `abs sign max min trunc floor ceil round clz32 imul` called on operands ' +
      'the checker proves to be integers',
    'Math works in binary floating point, and transcendental results differ between engines',
  ),
  rule(
    'ZS_PARSE_FLOAT',
    '`parseFloat`, `Number.parseFloat`',
    'parses into a binary float; decimal amounts are parsed exactly by runtime/math',
  ),
  rule(
    'ZS_NUMBER_CAST',
    '`Number(x)`, `new Number(x)`, `Number` passed as a function, unary `+` on a non-number',
    'converting a bigint or a string to number rounds silently above 2^53 and on decimals',
  ),
  rule(
    'ZS_FLOAT_DIVISION',
    '`/` and `/=` unless both operands are bigint (or `/` of integer constants that divide ' +
      'exactly); `%` and `%=` unless both are bigint or both are proven integers',
    'number division produces binary fractions; bigint division truncates exactly',
  ),
  rule(
    'ZS_NUMBER_POWER',
    '`**` and `**=` unless both operands are bigint',
    'number exponentiation is computed in floating point and is not exact across engines',
  ),
  rule(
    'ZS_FOR_IN',
    '`for…in` (any)',
    'enumerates keys in insertion order, including inherited ones: order is history, not data',
  ),
  rule(
    'ZS_UNORDERED_ITERATION',
    'iterating a `Map`, a `Set`, their iterators or `Object.keys/values/entries`, ' +
      '`Object.getOwnPropertyNames/Symbols`, `Reflect.ownKeys` (for…of, spread, `Array.from`, ' +
      '`forEach`, destructuring, `yield*`, array methods) without `.sort()`/`.toSorted()` in ' +
      'the same expression',
    'insertion order records how a value was built; two replicas that built it differently ' +
      'would iterate differently',
  ),
  rule(
    'ZS_JSON_STRINGIFY',
    '`JSON.stringify` (any use)',
    'its key order is insertion order and it cannot encode bigint; canonical bytes come from ' +
      'runtime/codec (RFC 8785)',
  ),
  rule(
    'ZS_LOCALE',
    '`Intl`, `localeCompare`, `toLocaleString`, `toLocaleDateString`, `toLocaleTimeString`, ' +
      '`toLocaleUpperCase`, `toLocaleLowerCase`',
    'results depend on the host locale and ICU version',
  ),
  rule(
    'ZS_WEAK_REF',
    '`WeakRef`, `FinalizationRegistry`',
    'what they observe depends on when the garbage collector runs',
  ),
  rule(
    'ZS_ANY',
    'the `any` type, written explicitly anywhere (`x: any`, `as any`, `any[]`, `Record<K, any>`)',
    '`any` switches off the type information the other rules rely on (bigint vs number)',
  ),
  rule(
    'ZS_EVAL',
    '`eval`, `Function(…)`, `new Function(…)`, the `vm` module, dynamic access to the global ' +
      'object (`globalThis[name]`, `globalThis` as a value)',
    'code built at run time cannot be checked',
  ),
  rule(
    'ZS_DYNAMIC_IMPORT',
    '`import(…)`, `require` with a computed argument or used as a value (`require.resolve`), ' +
      'the `module` module',
    'what is loaded depends on run-time values and cannot be checked',
  ),
  rule(
    'ZS_SYNTAX_ERROR',
    'a file the TypeScript parser rejects',
    'the checker cannot vouch for code it cannot parse',
    true,
  ),
  rule(
    'ZS_ALLOW_WITHOUT_REASON',
    'a `// zero-sim-allow RULE_ID` comment without `: reason`',
    'every exception must say why it is safe; it does not suppress anything',
    true,
  ),
  rule(
    'ZS_ALLOW_UNKNOWN_RULE',
    'a `// zero-sim-allow` comment that names no rule, an unknown rule or a meta rule',
    'a misspelt exception would silently suppress nothing; meta rules cannot be excepted',
    true,
  ),
  rule(
    'ZS_ALLOW_UNUSED',
    'a valid `// zero-sim-allow` comment that suppresses no violation',
    'stale exceptions hide what is really excepted; delete it',
    true,
  ),
] as const);

/** The id of a rule. */
export type RuleId = (typeof RULES)[number]['id'];

/** True when `id` names a rule of the catalogue. */
export function isRuleId(id: string): id is RuleId {
  return RULES.some((r) => r.id === id);
}

/** The ids of the rules a `// zero-sim-allow` comment may name. */
export const ALLOWABLE_RULE_IDS: ReadonlySet<string> = new Set<string>(
  RULES.filter((r) => !r.meta).map((r) => r.id),
);

import { envRowOf } from './session-env.table.js';
import {
  OPTION_RULES,
  type OptionKey,
  type OptionRule,
  optionPath,
} from './session-options.rules.js';

/**
 * A rejected option. `template` names options as `{{path}}` or `{{path=value}}` (a store field
 * as `{{path#kind}}`), so one message reads right for both audiences: `cookie.secure: true` for
 * a `forRoot` user, `COOKIE_SECURE=true` for someone editing the environment (see describe()).
 */
export class OptionProblem extends Error {
  constructor(
    readonly path: string,
    readonly template: string,
  ) {
    super(template);
  }
}

export function fail(key: string, template: string): never {
  throw new OptionProblem(optionPath(key), template);
}

const TOKEN = /\{\{([A-Za-z.]+)(?:#([a-z]+))?(?:=(.*?))?\}\}/g;

/** The message of `template`, naming options by environment variable when `fromEnv`. */
export function describe(template: string, fromEnv: boolean, storeKind?: string): string {
  return template.replace(TOKEN, (_token, path: string, kind?: string, value?: string) => {
    const row = fromEnv ? envRowOf(path, kind ?? storeKind) : undefined;
    if (row) return value === undefined ? row.env : `${row.env}=${row.show?.(value) ?? value}`;
    return value === undefined ? path : `${path}: ${literal(value)}`;
  });
}

/** How a value is written in TypeScript: `true`, `60`, `'none'`, `['a:1', 'b:2']`. */
function literal(value: string): string {
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(value)) return value;
  if (value.includes(',')) return `[${value.split(',').map(literal).join(', ')}]`;
  return `'${value}'`;
}

function ruleOf<T extends OptionRule['type']>(
  key: OptionKey,
  type: T,
): Extract<OptionRule, { type: T }> {
  const rule = OPTION_RULES[key] as OptionRule;
  if (rule.type !== type) throw new Error(`${key} is not a ${type} option`);
  return rule as Extract<OptionRule, { type: T }>;
}

/** `value`, or the key's default, within the key's bounds. */
export function numberOption(key: OptionKey, value: unknown): number {
  const rule = OPTION_RULES[key] as OptionRule;
  if (rule.type !== 'integer' && rule.type !== 'number') throw new Error(`${key} is not a number`);
  const n = value ?? rule.default;
  const whole = rule.type === 'integer';
  if (
    typeof n !== 'number' ||
    (whole && !Number.isInteger(n)) ||
    !(n >= rule.min && n <= rule.max)
  ) {
    const got = typeof n === 'number' ? `, got ${n}` : '';
    fail(
      key,
      `{{${key}}} must be ${whole ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}${got}`,
    );
  }
  return n;
}

export function booleanOption(key: OptionKey, value: unknown): boolean {
  const b = value ?? ruleOf(key, 'boolean').default;
  if (typeof b !== 'boolean') fail(key, `{{${key}}} must be true or false`);
  return b;
}

export function choiceOption(key: OptionKey, value: unknown): string {
  const rule = ruleOf(key, 'oneOf');
  const chosen = value ?? rule.default;
  if (typeof chosen !== 'string' || !rule.values.includes(chosen)) {
    fail(key, `{{${key}}} must be one of ${rule.values.join(', ')}`);
  }
  return chosen;
}

/** A text option; an empty string counts as unset. Undefined when unset and without default. */
export function textOption(key: OptionKey, value: unknown): string | undefined {
  const rule = ruleOf(key, 'text');
  const given = value === '' ? undefined : value;
  if (given === undefined) return rule.default;
  if (typeof given !== 'string' || !rule.pattern.test(given)) {
    fail(key, `{{${key}}} must be ${rule.hint}`);
  }
  return given;
}

/** A text option the chosen setup cannot do without. */
export function requiredTextOption(key: OptionKey, value: unknown, whenMissing: string): string {
  return textOption(key, value) ?? fail(key, whenMissing);
}

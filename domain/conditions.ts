// Conditions as data: a seat rule is written once as a Condition, the domain evaluates it on the items it read,
// and the store compiles the very same tree into a DynamoDB ConditionExpression (docs/seat-protocol.md).

/** A value a condition compares with: an ISO time or id (string), a count (number) or a flag. */
export type ConditionValue = string | number | boolean;

/** One side of a comparison: an attribute of the item, or a constant. */
export type Operand = { attr: string } | { value: ConditionValue };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * A condition on one item. `present`/`absent`: the item exists or not; `exists`/`missing`: an attribute is
 * present or not; comparisons follow DynamoDB: with a missing attribute or two types, only <> holds.
 */
export type Condition =
  | { kind: 'present' }
  | { kind: 'absent' }
  | { kind: 'compare'; left: Operand; op: Comparator; right: Operand }
  | { kind: 'exists'; attr: string }
  | { kind: 'missing'; attr: string }
  | { kind: 'and'; all: Condition[] }
  | { kind: 'or'; any: Condition[] }
  | { kind: 'not'; inner: Condition };

/** An attribute operand. */
export const attr = (name: string): Operand => ({ attr: name });
/** A constant operand. */
export const value = (v: ConditionValue): Operand => ({ value: v });

/** left op right. */
export function compare(left: Operand, op: Comparator, right: Operand): Condition {
  return { kind: 'compare', left, op, right };
}
/** The attribute is present. */
export const exists = (name: string): Condition => ({ kind: 'exists', attr: name });
/** The attribute is absent. */
export const missing = (name: string): Condition => ({ kind: 'missing', attr: name });
/** Every condition holds (an empty list holds). */
export function and(...all: (Condition | null | undefined | false)[]): Condition {
  const parts = all.filter((c): c is Condition => Boolean(c));
  return parts.length === 1 ? (parts[0] as Condition) : { kind: 'and', all: parts };
}
/** At least one condition holds. */
export function or(...any: Condition[]): Condition {
  return any.length === 1 ? (any[0] as Condition) : { kind: 'or', any };
}
/** The condition does not hold. */
export const not = (inner: Condition): Condition => ({ kind: 'not', inner });

/** The item exists. */
export const itemExists: Condition = { kind: 'present' };
/** The item does not exist yet. */
export const itemMissing: Condition = { kind: 'absent' };

/** An item as read (a plain object of attributes, or a domain object with the same field names), or none. */
type Item = object | null | undefined;

function attribute(item: Item, name: string): unknown {
  return item ? (item as Record<string, unknown>)[name] : undefined;
}

function operandValue(item: Item, operand: Operand): unknown {
  return 'attr' in operand ? attribute(item, operand.attr) : operand.value;
}

function sameType(a: unknown, b: unknown): boolean {
  return (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean') && typeof a === typeof b;
}

/**
 * Whether `condition` holds for `item` (null: the item does not exist), with DynamoDB's semantics: values of
 * different types are never equal nor ordered, and strings compare by code unit (ISO times in order).
 */
export function holds(condition: Condition, item: Item): boolean {
  switch (condition.kind) {
    case 'present':
      return item !== null && item !== undefined;
    case 'absent':
      return item === null || item === undefined;
    case 'exists':
      return attribute(item, condition.attr) !== undefined && attribute(item, condition.attr) !== null;
    case 'missing':
      return attribute(item, condition.attr) === undefined || attribute(item, condition.attr) === null;
    case 'and':
      return condition.all.every((c) => holds(c, item));
    case 'or':
      return condition.any.some((c) => holds(c, item));
    case 'not':
      return !holds(condition.inner, item);
    case 'compare': {
      const a = operandValue(item, condition.left) as string | number | boolean;
      const b = operandValue(item, condition.right) as string | number | boolean;
      // DynamoDB (checked against the engine in test/integration/conditions.test.ts): a missing attribute or
      // values of two types make every comparison false but <>, which is then true.
      if (!sameType(a, b)) return condition.op === '<>';
      // Booleans are equal or not, never ordered.
      if (typeof a === 'boolean' && condition.op !== '=' && condition.op !== '<>') return false;
      switch (condition.op) {
        case '=':
          return a === b;
        case '<>':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
      }
    }
  }
}

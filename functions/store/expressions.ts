// Compiles the domain's Condition trees (domain/conditions.ts) into DynamoDB ConditionExpressions, so a seat rule
// is written once and the transaction checks exactly what the decision evaluated.
import type { Condition, Operand } from '../../domain/conditions.js';

/** Placeholders an expression uses; shared by the condition and the update of one item. */
export class ExpressionNames {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private nameIndex = new Map<string, string>();
  private valueCount = 0;

  /** #nN for an attribute name (every name goes through a placeholder: no reserved-word surprises). */
  name(attribute: string): string {
    let placeholder = this.nameIndex.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.nameIndex.size}`;
      this.nameIndex.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  /** :vN for a value. */
  value(v: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = v;
    return placeholder;
  }

  /** The attribute maps of a command, without empty ones (DynamoDB refuses an empty map). */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    return {
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

function operand(o: Operand, names: ExpressionNames): string {
  return 'attr' in o ? names.name(o.attr) : names.value(o.value);
}

/** A single-element AND or OR is its element (DynamoDB refuses redundant parentheses). */
function simplified(condition: Condition): Condition {
  if (condition.kind === 'and' && condition.all.length === 1)
    return simplified(condition.all[0] as Condition);
  if (condition.kind === 'or' && condition.any.length === 1) return simplified(condition.any[0] as Condition);
  return condition;
}

/** A composite part is parenthesized inside another; an atom never is (DynamoDB refuses redundant ones). */
function part(condition: Condition, names: ExpressionNames): string {
  const c = simplified(condition);
  const text = compileCondition(c, names);
  const composite = (c.kind === 'and' && c.all.length > 1) || (c.kind === 'or' && c.any.length > 1);
  return composite ? `(${text})` : text;
}

/**
 * The ConditionExpression of a Condition. `present`/`absent` test the partition key `pk` (every item of the
 * table has one). An empty AND always holds and an empty OR never does.
 */
export function compileCondition(condition: Condition, names: ExpressionNames): string {
  const c = simplified(condition);
  switch (c.kind) {
    case 'present':
      return `attribute_exists(${names.name('pk')})`;
    case 'absent':
      return `attribute_not_exists(${names.name('pk')})`;
    case 'exists':
      return `attribute_exists(${names.name(c.attr)})`;
    case 'missing':
      return `attribute_not_exists(${names.name(c.attr)})`;
    case 'compare':
      return `${operand(c.left, names)} ${c.op} ${operand(c.right, names)}`;
    case 'not':
      return `NOT ${part(c.inner, names)}`;
    case 'and':
      if (c.all.length === 0) {
        return `(attribute_exists(${names.name('pk')}) OR attribute_not_exists(${names.name('pk')}))`;
      }
      return c.all.map((x) => part(x, names)).join(' AND ');
    case 'or':
      if (c.any.length === 0) {
        return `(attribute_exists(${names.name('pk')}) AND attribute_not_exists(${names.name('pk')}))`;
      }
      return c.any.map((x) => part(x, names)).join(' OR ');
  }
}

import { parseRfc3339 } from './clock.ts';
import type { CollectionField, CompareField, CompareOp, PropertyField, QueryNode, QueryValue } from './query-ast.ts';
import { QueryError, tokenize, type Token } from './query-lexer.ts';

export { QueryError } from './query-lexer.ts';

type ValueType = 'string' | 'boolean' | 'time';

const ORDERING: CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
const COMPARE_RULES: Record<CompareField, { ops: CompareOp[]; type: ValueType }> = {
  name: { ops: ['=', '!=', 'contains'], type: 'string' },
  fullText: { ops: ['contains'], type: 'string' },
  mimeType: { ops: ['=', '!=', 'contains'], type: 'string' },
  modifiedTime: { ops: ORDERING, type: 'time' },
  createdTime: { ops: ORDERING, type: 'time' },
  trashed: { ops: ['=', '!='], type: 'boolean' },
  starred: { ops: ['=', '!='], type: 'boolean' },
  sharedWithMe: { ops: ['=', '!='], type: 'boolean' },
};
const COLLECTIONS: CollectionField[] = ['parents', 'owners', 'writers', 'readers'];
const PROPERTY_FIELDS: PropertyField[] = ['properties', 'appProperties'];

/**
 * Parses a Drive `q` expression into a QueryNode tree.
 * Grammar: `or` binds loosest, then `and`, then `not`; parentheses group.
 * Throws QueryError with a message naming the problem and its position.
 */
export function parseQuery(q: string): QueryNode {
  return new QueryParser(tokenize(q)).parseAll();
}

/** Recursive-descent parser over the token list. */
class QueryParser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): QueryNode {
    if (this.peek().kind === 'eof') throw new QueryError('Empty query', 0);
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'eof')
      throw new QueryError(`Unexpected ${describe(rest)}: expected "and", "or" or the end`, rest.pos);
    return node;
  }

  private parseOr(): QueryNode {
    let left = this.parseAnd();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): QueryNode {
    let left = this.parseNot();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): QueryNode {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.parseNot() };
    if (this.peek().kind === '(') {
      this.i++;
      const inner = this.parseOr();
      this.expect(')', 'a closing ")"');
      return inner;
    }
    return this.parseTerm();
  }

  private parseTerm(): QueryNode {
    const t = this.next();
    if (t.kind === 'string') return this.parseIn(t.text);
    if (t.kind !== 'word') throw new QueryError(`Unexpected ${describe(t)}: expected a query term`, t.pos);
    if ((PROPERTY_FIELDS as string[]).includes(t.text)) return this.parseHas(t.text as PropertyField);
    if (!(t.text in COMPARE_RULES)) throw new QueryError(`Unknown query term "${t.text}"`, t.pos);
    const field = t.text as CompareField;
    const opToken = this.next();
    const op = (opToken.kind === 'op' ? opToken.text : opToken.text.toLowerCase()) as CompareOp;
    const rule = COMPARE_RULES[field];
    if (!rule.ops.includes(op)) {
      throw new QueryError(
        `Operator ${describe(opToken)} is not supported for "${field}" (use ${rule.ops.join(', ')})`,
        opToken.pos,
      );
    }
    return { kind: 'compare', field, op, value: this.parseValue(rule.type, field) };
  }

  private parseIn(value: string): QueryNode {
    const inToken = this.next();
    if (inToken.kind !== 'word' || inToken.text.toLowerCase() !== 'in') {
      throw new QueryError(`Unexpected ${describe(inToken)}: expected "in" after a string`, inToken.pos);
    }
    const f = this.next();
    if (!(COLLECTIONS as string[]).includes(f.text)) {
      throw new QueryError(`Unexpected ${describe(f)}: expected one of ${COLLECTIONS.join(', ')}`, f.pos);
    }
    return { kind: 'in', value, field: f.text as CollectionField };
  }

  private parseHas(field: PropertyField): QueryNode {
    const has = this.next();
    if (has.kind !== 'word' || has.text.toLowerCase() !== 'has') {
      throw new QueryError(`Unexpected ${describe(has)}: expected "has" after "${field}"`, has.pos);
    }
    this.expect('{', 'an opening "{"');
    const key = this.parsePair('key');
    if (!this.acceptKeyword('and')) throw new QueryError(`Expected "and" between key and value`, this.peek().pos);
    const value = this.parsePair('value');
    this.expect('}', 'a closing "}"');
    return { kind: 'has', field, key, value };
  }

  /** Parses `name = 'string'` inside a `has { }` clause. */
  private parsePair(name: 'key' | 'value'): string {
    const word = this.next();
    if (word.kind !== 'word' || word.text !== name)
      throw new QueryError(`Unexpected ${describe(word)}: expected "${name}"`, word.pos);
    const eq = this.next();
    if (eq.kind !== 'op' || eq.text !== '=') throw new QueryError(`Unexpected ${describe(eq)}: expected "="`, eq.pos);
    const str = this.next();
    if (str.kind !== 'string') throw new QueryError(`Unexpected ${describe(str)}: expected a quoted string`, str.pos);
    return str.text;
  }

  private parseValue(type: ValueType, field: string): QueryValue {
    const t = this.next();
    if (type === 'boolean') {
      const lower = t.text.toLowerCase();
      if (t.kind !== 'word' || (lower !== 'true' && lower !== 'false')) {
        throw new QueryError(`Unexpected ${describe(t)}: "${field}" takes true or false`, t.pos);
      }
      return { type: 'boolean', value: lower === 'true' };
    }
    if (t.kind !== 'string') throw new QueryError(`Unexpected ${describe(t)}: "${field}" takes a quoted string`, t.pos);
    if (type === 'string') return { type: 'string', text: t.text };
    const ms = parseRfc3339(t.text);
    if (ms === undefined) throw new QueryError(`"${t.text}" is not an RFC 3339 date-time`, t.pos);
    return { type: 'time', ms };
  }

  private acceptKeyword(word: string): boolean {
    const t = this.peek();
    if (t.kind === 'word' && t.text.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(kind: Token['kind'], what: string): void {
    const t = this.next();
    if (t.kind !== kind) throw new QueryError(`Unexpected ${describe(t)}: expected ${what}`, t.pos);
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
}

/** Describes a token for an error message. */
function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of query';
  if (t.kind === 'string') return `string '${t.text}'`;
  return `"${t.text}"`;
}

/**
 * Splits a Drive `q` string into tokens: quoted strings (with `\'` and `\\`
 * escapes), words, comparison operators and brackets.
 */

/** The kinds of token in a query. */
export type TokenKind = 'string' | 'word' | 'op' | '(' | ')' | '{' | '}' | 'eof';

/** One token and where it starts (0-based character offset). */
export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

/** A malformed query; `pos` is the 0-based offset of the problem. */
export class QueryError extends Error {
  readonly pos: number;

  constructor(message: string, pos: number) {
    super(`${message} (at character ${pos + 1})`);
    this.pos = pos;
  }
}

const WORD_CHAR = /[A-Za-z0-9_]/;
const OPERATORS = ['<=', '>=', '!=', '=', '<', '>'];

/** Tokenizes `q`; throws QueryError on an unterminated string, a bad escape or a stray character. */
export function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
    } else if ('(){}'.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, pos: i++ });
    } else if (c === "'") {
      const { text, end } = readString(q, i);
      tokens.push({ kind: 'string', text, pos: i });
      i = end;
    } else if (WORD_CHAR.test(c)) {
      const start = i;
      while (i < q.length && WORD_CHAR.test(q[i])) i++;
      tokens.push({ kind: 'word', text: q.slice(start, i), pos: start });
    } else {
      const op = OPERATORS.find((o) => q.startsWith(o, i));
      if (!op) {
        const hint = c === '"' ? ': strings take single quotes' : '';
        throw new QueryError(`Unexpected character ${JSON.stringify(c)}${hint}`, i);
      }
      tokens.push({ kind: 'op', text: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: q.length });
  return tokens;
}

/** Reads a single-quoted string starting at `start`; returns its value and the offset after it. */
function readString(q: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < q.length) {
    const c = q[i];
    if (c === "'") return { text, end: i + 1 };
    if (c === '\\') {
      const next = q[i + 1];
      if (next !== "'" && next !== '\\') {
        throw new QueryError(`Bad escape \\${next ?? ''} in string: only \\' and \\\\ are allowed`, i);
      }
      text += next;
      i += 2;
    } else {
      text += c;
      i++;
    }
  }
  throw new QueryError('Unterminated string', start);
}

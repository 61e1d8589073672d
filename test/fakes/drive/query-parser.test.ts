import { describe, expect, it } from 'vitest';
import { parseQuery, QueryError } from './query-parser.ts';

describe('parseQuery', () => {
  it('parses comparisons, in, has, and booleans', () => {
    expect(parseQuery("name = 'a.json'")).toEqual({
      kind: 'compare',
      field: 'name',
      op: '=',
      value: { type: 'string', text: 'a.json' },
    });
    expect(parseQuery("'abc' in parents")).toEqual({ kind: 'in', value: 'abc', field: 'parents' });
    expect(parseQuery('trashed = FALSE')).toEqual({
      kind: 'compare',
      field: 'trashed',
      op: '=',
      value: { type: 'boolean', value: false },
    });
    expect(parseQuery("appProperties has { key='job' and value='42' }")).toEqual({
      kind: 'has',
      field: 'appProperties',
      key: 'job',
      value: '42',
    });
    expect(parseQuery("name contains 'x'")).toMatchObject({ op: 'contains' });
  });

  it("unescapes \\' and \\\\ inside strings", () => {
    expect(parseQuery("name = 'it\\'s a \\\\ path'")).toMatchObject({ value: { text: "it's a \\ path" } });
  });

  it('gives and precedence over or, not over and, and honours parentheses', () => {
    const flat = parseQuery("name = 'a' or name = 'b' and trashed = true");
    expect(flat).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    const grouped = parseQuery("(name = 'a' or name = 'b') and trashed = true");
    expect(grouped).toMatchObject({ kind: 'and', left: { kind: 'or' } });
    const negated = parseQuery("not name contains 'a' and trashed = false");
    expect(negated).toMatchObject({ kind: 'and', left: { kind: 'not', operand: { kind: 'compare', field: 'name' } } });
    expect(parseQuery("NOT ('x' in parents)")).toMatchObject({ kind: 'not', operand: { kind: 'in' } });
  });

  it('parses RFC 3339 times, with and without a zone', () => {
    expect(parseQuery("modifiedTime > '2024-06-04T12:00:00'")).toMatchObject({
      value: { type: 'time', ms: Date.UTC(2024, 5, 4, 12) },
    });
    expect(parseQuery("createdTime <= '2024-06-04T12:00:00.250-02:00'")).toMatchObject({
      op: '<=',
      value: { ms: Date.UTC(2024, 5, 4, 14, 0, 0, 250) },
    });
  });

  const malformed: [string, RegExp][] = [
    ['', /Empty query/],
    ["name = 'unterminated", /Unterminated string/],
    ["name = 'bad \\n escape'", /Bad escape \\n/],
    ['name = "double"', /single quotes/],
    ["name = 'a' and", /end of query: expected a query term/],
    ["(name = 'a'", /expected a closing "\)"/],
    ["name = 'a')", /Unexpected "\)"/],
    ["size > '3'", /Unknown query term "size"/],
    ["name > 'a'", /Operator ">" is not supported for "name"/],
    ["trashed = 'yes'", /takes true or false/],
    ["modifiedTime > 'yesterday'", /not an RFC 3339 date-time/],
    ["modifiedTime > '2024-02-30T00:00:00'", /not an RFC 3339/],
    ["'a' in children", /expected one of parents, owners/],
    ["properties has { key='k' }", /Expected "and" between key and value/],
    ["name = 'a' name = 'b'", /expected "and", "or" or the end/],
    ['name = #', /Unexpected character "#"/],
  ];

  it.each(malformed)('rejects %j with a clear QueryError', (q, message) => {
    let caught: unknown;
    try {
      parseQuery(q);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QueryError);
    expect((caught as QueryError).message).toMatch(message);
    expect((caught as QueryError).message).toMatch(/\(at character \d+\)$/);
  });
});

/**
 * The syntax tree of a Drive `q` expression, as produced by `parseQuery`.
 */

/** Fields compared with `=`, `!=`, `<`, `<=`, `>`, `>=` or `contains`. */
export type CompareField =
  | 'name'
  | 'fullText'
  | 'mimeType'
  | 'modifiedTime'
  | 'createdTime'
  | 'trashed'
  | 'starred'
  | 'sharedWithMe';

/** Collections tested with `'value' in field`. */
export type CollectionField = 'parents' | 'owners' | 'writers' | 'readers';

/** Maps tested with `field has { key='k' and value='v' }`. */
export type PropertyField = 'properties' | 'appProperties';

/** A comparison operator. */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';

/** A literal on the right of a comparison (times are already parsed). */
export type QueryValue =
  | { type: 'string'; text: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'time'; ms: number };

/** One node of a parsed query. */
export type QueryNode =
  | { kind: 'and'; left: QueryNode; right: QueryNode }
  | { kind: 'or'; left: QueryNode; right: QueryNode }
  | { kind: 'not'; operand: QueryNode }
  | { kind: 'compare'; field: CompareField; op: CompareOp; value: QueryValue }
  | { kind: 'in'; value: string; field: CollectionField }
  | { kind: 'has'; field: PropertyField; key: string; value: string };

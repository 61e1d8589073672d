/**
 * Block Kit limits the fake enforces on messages, as Slack documents them.
 * A message that breaks one gets `invalid_blocks`, with one
 * `[ERROR] … [json-pointer:/blocks/…]` line per problem, as Slack sends them.
 */

/** Limits on one message's blocks. */
export const BLOCK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  actionId: 255,
  blockId: 255,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
} as const;

const KNOWN_BLOCK_TYPES = new Set([
  'section',
  'actions',
  'context',
  'divider',
  'header',
  'image',
  'input',
  'rich_text',
  'file',
  'video',
  'markdown',
]);

/** The result of checking a message's blocks: no errors means valid. */
export interface BlockValidation {
  valid: boolean;
  /** Slack-style messages, e.g. `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`. */
  errors: string[];
}

type Json = Record<string, unknown>;

/** Checks a `blocks` argument against Slack's limits. */
export function validateBlocks(blocks: unknown): BlockValidation {
  const errors: string[] = [];
  const report = (message: string, pointer: string): void => {
    errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  };
  if (!Array.isArray(blocks)) {
    report('must be an array', '/blocks');
    return { valid: false, errors };
  }
  if (blocks.length > BLOCK_LIMITS.blocksPerMessage) {
    report(`no more than ${BLOCK_LIMITS.blocksPerMessage} items allowed`, '/blocks');
  }
  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    checkBlock(block, `/blocks/${index}`, blockIds, report);
  });
  return { valid: errors.length === 0, errors };
}

type Reporter = (message: string, pointer: string) => void;

function checkBlock(block: unknown, at: string, blockIds: Set<string>, report: Reporter): void {
  if (!isObject(block) || typeof block.type !== 'string') {
    report('must provide an object with a type', at);
    return;
  }
  if (!KNOWN_BLOCK_TYPES.has(block.type)) {
    report(`unknown block type ${block.type}`, `${at}/type`);
    return;
  }
  if (block.block_id !== undefined) checkBlockId(block.block_id, `${at}/block_id`, blockIds, report);
  if (block.type === 'section') checkSection(block, at, report);
  if (block.type === 'header') checkText(block.text, BLOCK_LIMITS.headerText, `${at}/text`, report);
  if (block.type === 'actions') checkElements(block, BLOCK_LIMITS.actionsElements, at, report);
  if (block.type === 'context') checkElementCount(block, BLOCK_LIMITS.contextElements, at, report);
}

function checkBlockId(blockId: unknown, at: string, seen: Set<string>, report: Reporter): void {
  if (typeof blockId !== 'string' || blockId.length === 0) {
    report('must be a non-empty string', at);
    return;
  }
  if (blockId.length > BLOCK_LIMITS.blockId) report(`must be less than ${BLOCK_LIMITS.blockId + 1} characters`, at);
  if (seen.has(blockId)) report('duplicate block_id', at);
  seen.add(blockId);
}

function checkSection(block: Json, at: string, report: Reporter): void {
  if (block.text === undefined && block.fields === undefined) {
    report('must provide text or fields', at);
    return;
  }
  if (block.text !== undefined) checkText(block.text, BLOCK_LIMITS.sectionText, `${at}/text`, report);
  if (block.fields !== undefined) checkFields(block.fields, `${at}/fields`, report);
  if (isObject(block.accessory)) checkElement(block.accessory, `${at}/accessory`, new Set(), report);
}

function checkFields(fields: unknown, at: string, report: Reporter): void {
  if (!Array.isArray(fields)) {
    report('must be an array', at);
    return;
  }
  if (fields.length > BLOCK_LIMITS.sectionFields)
    report(`no more than ${BLOCK_LIMITS.sectionFields} items allowed`, at);
  fields.forEach((field, i) => {
    checkText(field, BLOCK_LIMITS.sectionFieldText, `${at}/${i}`, report);
  });
}

function checkElementCount(block: Json, max: number, at: string, report: Reporter): boolean {
  if (!Array.isArray(block.elements)) {
    report('must provide an array of elements', `${at}/elements`);
    return false;
  }
  if (block.elements.length > max) report(`no more than ${max} items allowed`, `${at}/elements`);
  return true;
}

function checkElements(block: Json, max: number, at: string, report: Reporter): void {
  if (!checkElementCount(block, max, at, report)) return;
  const actionIds = new Set<string>();
  (block.elements as unknown[]).forEach((element, i) => {
    if (isObject(element)) checkElement(element, `${at}/elements/${i}`, actionIds, report);
    else report('must be an object', `${at}/elements/${i}`);
  });
}

function checkElement(element: Json, at: string, actionIds: Set<string>, report: Reporter): void {
  const actionId = element.action_id;
  if (actionId !== undefined) {
    if (typeof actionId !== 'string') report('must be a string', `${at}/action_id`);
    else if (actionId.length > BLOCK_LIMITS.actionId) {
      report(`must be less than ${BLOCK_LIMITS.actionId + 1} characters`, `${at}/action_id`);
    } else if (actionIds.has(actionId)) report('duplicate action_id', `${at}/action_id`);
    else actionIds.add(actionId);
  }
  if (element.type !== 'button') return;
  checkText(element.text, BLOCK_LIMITS.buttonText, `${at}/text`, report);
  checkOptionalLength(element.value, BLOCK_LIMITS.buttonValue, `${at}/value`, report);
  checkOptionalLength(element.url, BLOCK_LIMITS.buttonUrl, `${at}/url`, report);
}

function checkText(text: unknown, max: number, at: string, report: Reporter): void {
  if (!isObject(text) || (text.type !== 'plain_text' && text.type !== 'mrkdwn')) {
    report('must be a text object of type plain_text or mrkdwn', at);
    return;
  }
  if (typeof text.text !== 'string' || text.text.length === 0) {
    report('must be a non-empty string', `${at}/text`);
    return;
  }
  if (text.text.length > max) report(`must be less than ${max + 1} characters`, `${at}/text`);
}

function checkOptionalLength(value: unknown, max: number, at: string, report: Reporter): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    report('must be a string', at);
    return;
  }
  if (value.length > max) report(`must be less than ${max + 1} characters`, at);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

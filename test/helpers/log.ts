/**
 * Loggers for tests: the real one (src/log.ts, JSON, every level, secrets censored) writing to memory, so a test
 * reads what the bot logged as records, or as the lines pretty mode would print (each record's `msg`).
 *
 *   const { log, messages, records } = testLog();
 *   await startBot(config, transport, { log });
 *   expect(messages).toContain('storyloom: …');
 */
import { BOT_NAME, createLogger, type Logger, type LogLevel, silentLogger } from '../../src/log.ts';

/** One JSON record as the logger writes it. */
export interface LogRecord {
  level: string;
  time: string;
  name: string;
  msg: string;
  [field: string]: unknown;
}

/** A logger and what it logged. */
export interface TestLog {
  log: Logger;
  /** Every record, oldest first. */
  records: LogRecord[];
  /** Each record's `msg`: the lines pretty mode prints. */
  messages: string[];
  /** The raw JSON lines. */
  lines: string[];
}

/** A logger that keeps what it logs; `messages` may be an array the test already holds. */
export function testLog(messages: string[] = [], level: LogLevel = 'trace', name = BOT_NAME): TestLog {
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const sink = {
    write(line: string) {
      const record = JSON.parse(line) as LogRecord;
      lines.push(line);
      records.push(record);
      messages.push(record.msg);
    },
  };
  return { log: createLogger({ name, level, format: 'json', sink }), records, messages, lines };
}

/** A logger that writes nothing. */
export const quietLog = silentLogger;

/**
 * Reading an export: lines split on LF only, each decoded as strict UTF-8, bounded in size, parsed
 * and required to be in canonical form (so every byte of a line is accounted for), with one
 * record of lookahead. A line that cannot be read is a difference naming that line.
 * @module
 */
import fs from 'node:fs';
import { canonicalString } from '../../codec';
import { differ, type LedgerDifference } from '../verify/difference';
import { EXPORT_LINE_BYTES_MAX, type RecordType } from './records';

/** One parsed record and the line it came from (1-based). */
export type ExportRecord = {
  readonly line: number;
  readonly type: RecordType;
  readonly fields: Readonly<Record<string, unknown>>;
};

const RECORD_TYPES: readonly string[] = [
  'header',
  'genesis',
  'checkpoint',
  'account',
  'key-entry',
  'bundle',
  'tx',
  'key-seal',
  'operator',
  'end',
];

/** The lines of a file as raw bytes, split on LF; the last line may lack its LF. */
export async function* fileLines(file: string): AsyncGenerator<Uint8Array> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    let buffer = chunk as Buffer;
    let at = buffer.indexOf(0x0a);
    while (at >= 0) {
      yield Buffer.concat([...pending, buffer.subarray(0, at)]);
      pending = [];
      size = 0;
      buffer = buffer.subarray(at + 1);
      at = buffer.indexOf(0x0a);
    }
    pending.push(buffer);
    size += buffer.length;
    // An overlong line is reported by the reader from its first bytes; nothing more is kept.
    if (size > EXPORT_LINE_BYTES_MAX) {
      yield Buffer.concat(pending);
      return;
    }
  }
  if (size > 0) yield Buffer.concat(pending);
}

/** A difference in an export line. */
export function lineDifference(
  line: number,
  column: string,
  d: { field: string; expected: string; actual: string },
  extra: Partial<LedgerDifference> = {},
): LedgerDifference {
  return {
    table: 'export',
    row: `line=${line}`,
    rowid: line,
    column,
    field: d.field,
    height: null,
    expected: d.expected,
    actual: d.actual,
    ...extra,
  };
}

/** Records of an export, one at a time, with a one-record lookahead. */
export class RecordReader {
  readonly #lines: AsyncIterator<Uint8Array>;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #line = 0;
  #peeked: ExportRecord | null | undefined = undefined;

  constructor(lines: AsyncIterable<Uint8Array>) {
    this.#lines = lines[Symbol.asyncIterator]();
  }

  /** The number of lines read so far (peeked ones included). */
  get linesRead(): number {
    return this.#line;
  }

  async peek(): Promise<ExportRecord | null> {
    if (this.#peeked === undefined) this.#peeked = await this.#read();
    return this.#peeked;
  }

  async next(): Promise<ExportRecord | null> {
    const record = await this.peek();
    this.#peeked = undefined;
    return record;
  }

  /** The next record, which must be of `type`. */
  async expect(type: RecordType): Promise<ExportRecord> {
    const record = await this.next();
    if (record === null)
      return differ(
        lineDifference(this.#line + 1, type, {
          field: '',
          expected: `a ${type} record`,
          actual: '(end of file)',
        }),
      );
    if (record.type !== type)
      differ(
        lineDifference(record.line, record.type, {
          field: '$.record',
          expected: type,
          actual: record.type,
        }),
      );
    return record;
  }

  async #read(): Promise<ExportRecord | null> {
    const step = await this.#lines.next();
    if (step.done === true) return null;
    const line = ++this.#line;
    const bytes = step.value;
    const fail = (expected: string, actual: string): never =>
      differ(lineDifference(line, 'line', { field: '', expected, actual }));
    if (bytes.length > EXPORT_LINE_BYTES_MAX)
      fail(`at most ${EXPORT_LINE_BYTES_MAX} bytes`, `${bytes.length} bytes or more`);
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch {
      return fail('UTF-8', 'bytes that are not UTF-8');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return fail('a JSON record', `${err instanceof Error ? err.message : ''}: ${text}`);
    }
    let canonical: string;
    try {
      canonical = canonicalString(value);
    } catch {
      return fail('canonical JSON (RFC 8785)', text);
    }
    if (canonical !== text) fail(canonical, text);
    const fields = value as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail('a JSON object', text);
    if (typeof fields.record !== 'string' || !RECORD_TYPES.includes(fields.record))
      return differ(
        lineDifference(line, 'line', {
          field: '$.record',
          expected: RECORD_TYPES.join(' | '),
          actual: String(fields.record),
        }),
      );
    return { line, type: fields.record as RecordType, fields };
  }
}

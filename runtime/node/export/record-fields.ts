/**
 * Checking one export record's fields: exact field sets, values that re-encode to themselves after
 * parsing, and differences that name the record's line and field.
 * @module
 */
import { isCodedError } from '../../errors';
import { differ, type LedgerDifference } from '../verify/difference';
import { plainJson, valueDifference } from '../verify/json-text';
import { lineDifference, type ExportRecord } from './reader';

/** A difference in one field of a record. */
export function field(
  record: ExportRecord,
  name: string,
  expected: string,
  actual: string,
  extra: Partial<LedgerDifference> = {},
): LedgerDifference {
  return lineDifference(record.line, record.type, { field: name, expected, actual }, extra);
}

/** The record's fields must be exactly `names` (and `record`). */
export function exactFields(record: ExportRecord, names: readonly string[]): void {
  const expected = ['record', ...names].sort();
  const actual = Object.keys(record.fields).sort();
  if (expected.join(',') !== actual.join(','))
    differ(field(record, '$', expected.join(','), actual.join(',')));
}

/** A record field whose value must re-encode to itself after parsing (`parse` is the parser). */
export function parsedField<T>(
  record: ExportRecord,
  name: string,
  parse: (value: unknown) => T,
  encode: (value: T) => unknown = (value) => value,
): T {
  let parsed: T;
  try {
    parsed = parse(record.fields[name]);
  } catch (err) {
    const detail = isCodedError(err) ? String(err.details.field ?? '') : '';
    const message = err instanceof Error ? err.message : String(err);
    return differ(
      field(record, `$.${name}${detail === '' ? '' : `.${detail}`}`, `a valid ${name}`, message),
    );
  }
  const d = valueDifference(`$.${name}`, plainJson(encode(parsed)), record.fields[name]);
  if (d !== null) differ(field(record, d.field, d.expected, d.actual));
  return parsed;
}

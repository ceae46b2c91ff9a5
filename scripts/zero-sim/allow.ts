/**
 * Exception comments: `// zero-sim-allow RULE_ID: reason` (several ids may be separated by commas).
 * A comment after code applies to its own line; a comment alone on its line applies to the next line
 * that is not itself a `//` comment, so several exceptions can be stacked above one line.
 * @module
 */
import ts from 'typescript';

/** One parsed `// zero-sim-allow` comment. */
export type AllowComment = {
  /** Offset of the `//`. */
  readonly start: number;
  /** 1-based line the comment applies to. */
  readonly targetLine: number;
  /** Rule ids as written (validated by the checker). */
  readonly ids: readonly string[];
  /** The reason after `:`, trimmed; undefined when there is no colon or nothing after it. */
  readonly reason: string | undefined;
};

const ALLOW = /^\/\/\s*zero-sim-allow(?=$|[\s:])(.*)$/;
const BODY = /^\s*([^:]*?)\s*(?::(.*))?$/;

/** Every `// zero-sim-allow` comment of `file`, in source order. */
export function collectAllowComments(file: ts.SourceFile): AllowComment[] {
  const out: AllowComment[] = [];
  if (!file.text.includes('zero-sim-allow')) return out;
  for (const range of lineComments(file)) {
    const text = file.text.slice(range.pos, range.end);
    const match = ALLOW.exec(text);
    if (match === null) continue;
    const body = BODY.exec(match[1] ?? '');
    const ids = (body?.[1] ?? '').split(/[\s,]+/).filter((id) => id !== '');
    const reason = body?.[2]?.trim();
    out.push({
      start: range.pos,
      targetLine: targetLine(file, range.pos),
      ids,
      reason: reason === undefined || reason === '' ? undefined : reason,
    });
  }
  return out;
}

/** Every `//` comment, found through the trivia of every token (so none inside strings). */
function lineComments(file: ts.SourceFile): ts.CommentRange[] {
  const byStart = new Map<number, ts.CommentRange>();
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (range.kind === ts.SyntaxKind.SingleLineCommentTrivia) byStart.set(range.pos, range);
    }
  };
  const walk = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode)
      return;
    add(ts.getLeadingCommentRanges(file.text, node.pos));
    add(ts.getTrailingCommentRanges(file.text, node.pos));
    for (const child of node.getChildren(file)) walk(child);
  };
  walk(file);
  return [...byStart.values()].sort((a, b) => a.pos - b.pos);
}

function targetLine(file: ts.SourceFile, start: number): number {
  const starts = file.getLineStarts();
  const { line } = file.getLineAndCharacterOfPosition(start);
  const lineText = (l: number): string =>
    file.text.slice(starts[l] ?? 0, starts[l + 1] ?? file.text.length);
  const standalone = file.text.slice(starts[line] ?? 0, start).trim() === '';
  if (!standalone) return line + 1;
  let next = line + 1;
  while (next < starts.length && lineText(next).trim().startsWith('//')) next++;
  return next + 1;
}

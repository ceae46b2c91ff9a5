/*
 * The shell's imports point one way (DESIGN.md §2), read from the sources with the TypeScript parser
 * (type-only imports count as edges too, except where a rule says otherwise):
 * ├── no cycle between runtime's folders (and its top-level files)
 * ├── runtime/chain, runtime/sim and runtime/sdk import from runtime/node only its public surface,
 * │   runtime/node/index.ts, or types
 * ├── no cycle between the files of runtime/node/api
 * └── the checks see a planted cycle and a planted reach into node internals
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const RUNTIME = path.join(__dirname, '..', '..', 'runtime');

type Edge = { readonly from: string; readonly to: string; readonly typeOnly: boolean };

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The file a relative specifier names (`x` → x.ts or x/index.ts), or null outside the runtime. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')])
    if (fs.existsSync(candidate)) return candidate;
  return null;
}

/** Every import and re-export of a file, with whether it carries only types. */
function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): Edge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      const clause = statement.importClause;
      const named = clause?.namedBindings;
      typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
    } else if (ts.isExportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      typeOnly = statement.isTypeOnly;
    }
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const to = resolve(file, specifier.text);
    if (to !== null) edges.push({ from: file, to, typeOnly });
  }
  return edges;
}

/** runtime/<folder> for a file in a folder, the file itself for a top-level file. */
function unitOf(file: string): string {
  const rel = path.relative(RUNTIME, file).split(path.sep);
  return rel.length === 1 ? (rel[0] as string) : (rel[0] as string);
}

/** The cycles of a graph (strongly connected components of more than one node, or a self-loop). */
function cycles(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (next.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) found.push(component.sort());
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

function folderEdges(edges: readonly Edge[]): { from: string; to: string }[] {
  return edges
    .map((e) => ({ from: unitOf(e.from), to: unitOf(e.to) }))
    .filter((e) => e.from !== e.to);
}

/** Imports from chain, sim or sdk into a node file other than node/index.ts, carrying values. */
function reachesIntoNode(edges: readonly Edge[]): string[] {
  const nodeIndex = path.join(RUNTIME, 'node', 'index.ts');
  return edges
    .filter((e) => ['chain', 'sim', 'sdk'].includes(unitOf(e.from)) && unitOf(e.to) === 'node')
    .filter((e) => e.to !== nodeIndex && !e.typeOnly)
    .map((e) => `${path.relative(RUNTIME, e.from)} → ${path.relative(RUNTIME, e.to)}`);
}

describe('runtime imports', () => {
  const edges = sourceFiles(RUNTIME).flatMap((f) => importsOf(f));

  it('reads a real import graph', () => {
    expect(edges.length).to.be.above(300);
    expect(edges.some((e) => unitOf(e.from) === 'cli' && unitOf(e.to) === 'chain')).to.equal(true);
  });

  it('has no cycle between folders, type-only imports included', () => {
    expect(cycles(folderEdges(edges))).to.deep.equal([]);
  });

  it('lets chain, sim and sdk import from node only runtime/node/index.ts, or types', () => {
    expect(reachesIntoNode(edges)).to.deep.equal([]);
  });

  it('has no cycle between the files of runtime/node/api', () => {
    const api = path.join(RUNTIME, 'node', 'api') + path.sep;
    const inside = edges.filter((e) => e.from.startsWith(api) && e.to.startsWith(api));
    expect(inside.length).to.be.above(10);
    expect(cycles(inside)).to.deep.equal([]);
  });

  it('catches a planted folder cycle and a planted reach into node internals', () => {
    const planted = importsOf(
      path.join(RUNTIME, 'sdk', 'planted.ts'),
      "import { NodeStore } from '../node/store';\nimport type { Logger } from '../node/sequencer';\n",
    );
    expect(planted.map((e) => e.typeOnly)).to.deep.equal([false, true]);
    expect(reachesIntoNode(planted)).to.deep.equal(['sdk/planted.ts → node/store.ts']);
    const back = {
      from: path.join(RUNTIME, 'node', 'x.ts'),
      to: path.join(RUNTIME, 'sdk', 'y.ts'),
    };
    expect(cycles(folderEdges([...planted, { ...back, typeOnly: false }]))).to.deep.equal([
      ['node', 'sdk'],
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import of a source file, as the TypeScript compiler reads and resolves it. */
export interface ImportEdge {
  /** Importing file, relative to the repository root with `/` separators (`src/api/app.ts`). */
  from: string;
  /** The specifier as written (`../core/queue`, `node:fs`, `zod`). */
  specifier: string;
  /** The resolved file relative to the root, when it is one of the repository's own files. */
  to?: string;
}

/**
 * Every static, dynamic and `export … from` import of the project's TypeScript files, resolved
 * with the compiler's own module resolution under `tsconfig.json`'s options.
 *
 * @example
 * const edges = importGraph(process.cwd());
 * edges.filter((e) => e.from.startsWith('src/core/'));
 */
export function importGraph(root: string): ImportEdge[] {
  const configPath = join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  const host = ts.createCompilerHost(parsed.options);
  const edges: ImportEdge[] = [];
  for (const file of parsed.fileNames) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      const resolved = ts.resolveModuleName(specifier, file, parsed.options, host).resolvedModule;
      const own = resolved && !resolved.isExternalLibraryImport ? toRepoPath(root, resolved.resolvedFileName) : undefined;
      edges.push({ from: toRepoPath(root, file), specifier, ...(own && !own.startsWith('..') ? { to: own } : {}) });
    }
  }
  return edges;
}

function toRepoPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/**
 * Module specifiers a source file loads at run time: its imports and re-exports that are not
 * type-only, side-effect imports and `import('…')` calls with a literal, read from the
 * compiler's syntax tree.
 *
 * @example
 * runtimeImports("import type { A } from './a'; import { b } from './b';", 'x.ts'); // ['./b']
 */
export function runtimeImports(source: string, fileName = 'source.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause && (clause.isTypeOnly || (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return specifiers;
}

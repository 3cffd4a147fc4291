import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The absolute path of `src/`, with a trailing slash. */
export const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every TypeScript file under `dir` (default `src/`), generated ones included. */
export function sourceFiles(dir: string = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** One module a file imports or re-exports. */
export interface ModuleImport {
  readonly specifier: string;
  /** `import type`, or every name imported as a type: gone at run time. */
  readonly typeOnly: boolean;
  /** `import('…')` with a literal specifier. */
  readonly dynamic: boolean;
}

/** What a TypeScript file imports, read with the compiler's parser (comments and strings are not imports). */
export function importsOf(file: string, text: string = readFileSync(file, 'utf8')): ModuleImport[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: ModuleImport[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      found.push({ specifier: statement.moduleSpecifier.text, typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      found.push({ specifier: statement.moduleSpecifier.text, typeOnly: statement.isTypeOnly, dynamic: false });
    }
  }
  const visitNode = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push({ specifier: argument.text, typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visitNode);
  };
  visitNode(source);
  return found;
}

// Type-checks README examples in one TypeScript program, as a user of the built packages would:
// each example is an ES module placed (virtually) in its README's folder, so it imports the
// workspace packages by name through their `exports` (`types` → dist, no source condition) and
// third-party packages from that package's own dependencies.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { Example } from './readme-examples.js';
import { repoRoot } from './repo.js';

/** A problem the compiler found in one example, placed in its README. */
export interface ExampleDiagnostic {
  /** `README path:line:column` of the problem. */
  where: string;
  message: string;
}

/** An example's compiled JavaScript and the folder it must run from. */
export interface CompiledExample {
  example: Example;
  /** Where the example lives for module resolution (its README's package). */
  dir: string;
  /** The emitted ES module. */
  js: string;
  diagnostics: ExampleDiagnostic[];
}

// What a fragment may leave to its prose: "Cannot find name" (2304, 2552 "… Did you mean"), a
// shorthand property of an undefined name (18004), and so an untyped callback parameter (7006).
const freeNameCodes = new Set([2304, 2552, 18004, 7006]);

function compilerOptions(): ts.CompilerOptions {
  const base = join(repoRoot, 'tsconfig.base.json');
  const config = ts.readConfigFile(base, (f) => readFileSync(f, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  return {
    ...parsed.options,
    customConditions: [], // a user's view: the built `dist`, not the in-repo source condition
    noEmit: false,
    declaration: false,
    declarationMap: false,
    isolatedDeclarations: false,
    sourceMap: false,
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
  };
}

/** Folder an example is resolved and run from: its README's, or repo-checks' for the root. */
export function exampleDir(example: Example): string {
  const dir = dirname(join(repoRoot, example.readme));
  return dir === repoRoot ? join(repoRoot, 'tools', 'repo-checks') : dir;
}

function virtualPath(example: Example, index: number): string {
  return join(exampleDir(example), `__readme_example_${index}_L${example.fenceLine}.mts`);
}

function place(example: Example, d: ts.Diagnostic): ExampleDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return { where: example.readme, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { where: `${example.readme}:${example.fenceLine + 1 + line}:${character + 1}`, message };
}

/** Compiles every example in one program; returns each one's diagnostics and JavaScript. */
export function compileExamples(examples: Example[]): CompiledExample[] {
  const options = compilerOptions();
  const byPath = new Map(examples.map((e, i) => [virtualPath(e, i), e]));
  const host = ts.createCompilerHost(options);
  const realGetSourceFile = host.getSourceFile.bind(host);
  const realFileExists = host.fileExists.bind(host);
  const realReadFile = host.readFile.bind(host);
  host.fileExists = (f) => byPath.has(f) || realFileExists(f);
  host.readFile = (f) => byPath.get(f)?.code ?? realReadFile(f);
  host.getSourceFile = (f, language, onError, create) => {
    const example = byPath.get(f);
    if (example) return ts.createSourceFile(f, example.code, language, true);
    return realGetSourceFile(f, language, onError, create);
  };
  const emitted = new Map<string, string>();
  host.writeFile = (f, text) => emitted.set(f, text);
  const program = ts.createProgram([...byPath.keys()], options, host);
  const global = program.getOptionsDiagnostics().concat(program.getGlobalDiagnostics());
  program.emit();
  return [...byPath].map(([path, example]) => {
    const file = program.getSourceFile(path);
    const own = file
      ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
      : [];
    const kept = own.filter((d) => !(example.marks.fragment && freeNameCodes.has(d.code)));
    return {
      example,
      dir: exampleDir(example),
      js: emitted.get(path.replace(/\.mts$/, '.mjs')) ?? '',
      diagnostics: [...global, ...kept].map((d) => place(example, d)),
    };
  });
}

// "Package READMEs state every option": the fields of the `…Options` types a package exports,
// and the names its README states.
import ts from 'typescript';

/** An exported options type and its fields (those declared in the workspace, not Node's). */
export interface OptionsType {
  name: string;
  fields: string[];
}

/**
 * The `…Options` interfaces and type aliases that `entry` exports, with their fields. An
 * error's constructor facts (`…ErrorOptions`) are not configuration: the error table covers them.
 */
export function exportedOptions(
  program: ts.Program,
  entry: string,
  ownFile: (fileName: string) => boolean,
): OptionsType[] {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  if (!file) throw new Error(`${entry} is not in the program`);
  const module = checker.getSymbolAtLocation(file);
  if (!module) return [];
  const found: OptionsType[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    if (!exported.name.endsWith('Options') || exported.name.endsWith('ErrorOptions')) continue;
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) continue;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const fields = checker
      .getPropertiesOfType(type)
      .filter((p) => (p.declarations ?? []).some((d) => ownFile(d.getSourceFile().fileName)))
      .map((p) => p.name);
    found.push({ name: exported.name, fields: [...new Set(fields)].sort() });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Words a README states: inside inline code spans (`` `timeoutMs` ``, `` `{ batch: true }` ``)
 * and in table rows, outside fenced code blocks (an example's use of an option does not say
 * what it does or its default).
 */
export function statedNames(text: string): Set<string> {
  const names = new Set<string>();
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const spans = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    if (/^\s*\|/.test(line)) spans.push(line);
    for (const span of spans) for (const w of span.matchAll(/[A-Za-z_$][\w$]*/g)) names.add(w[0]);
  }
  return names;
}

/** Fields of `types` the README does not state, as `Type.field`. */
export function unstatedFields(text: string, types: OptionsType[]): string[] {
  const stated = statedNames(text);
  const missing = types.flatMap((t) =>
    t.fields.filter((f) => !stated.has(f)).map((f) => `${t.name}.${f}`),
  );
  return [...new Set(missing)]; // a type exported from two entry points counts once
}

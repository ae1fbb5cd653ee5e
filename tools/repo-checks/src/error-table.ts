// Which error classes a README's error table names, and which ones a package exports.

/** What the check means by "the error table"; also said in its failure messages. */
export const errorTableDefinition: string =
  'the error table is every Markdown table in the README section headed "Errors" (a heading of ' +
  'any level whose text is "Errors", up to the next heading of the same or a higher level); a ' +
  'class is in it when a table row names it in inline code, e.g. "| `UpgradeError` (`status`) | …"';

/** The error-table section of a README, if it has one. */
export interface ErrorTable {
  /** 1-based line of the "Errors" heading. */
  headingLine: number;
  /** Every name in inline code in a table row of the section. */
  names: Set<string>;
}

const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Finds a README's "Errors" section and the names its table rows give in inline code. */
export function readErrorTable(text: string): ErrorTable | undefined {
  const lines = text.split('\n');
  let inFence = false;
  let level = 0;
  let table: ErrorTable | undefined;
  for (const [i, line] of lines.entries()) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const h = heading.exec(line);
    if (h) {
      const depth = h[1]?.length ?? 0;
      if (table && depth <= level) break;
      if (!table && /^errors$/i.test(h[2] ?? '')) {
        level = depth;
        table = { headingLine: i + 1, names: new Set() };
      }
      continue;
    }
    if (table && /^\s*\|/.test(line)) {
      for (const m of line.matchAll(/`([A-Za-z_$][\w$]*)`/g)) table.names.add(m[1] ?? '');
    }
  }
  return table;
}

type Constructor = abstract new (...args: never[]) => unknown;

/** The names of the classes among a module's exports that extend `base` (not `base` itself). */
export function subclassesOf(exports: Record<string, unknown>, base: Constructor): string[] {
  const names = new Set<string>();
  for (const value of Object.values(exports)) {
    // A prototype walk, not `instanceof`: the family's `Symbol.hasInstance` looks at instances.
    if (
      typeof value === 'function' &&
      Object.prototype.isPrototypeOf.call(base.prototype, value.prototype)
    ) {
      names.add(value.name);
    }
  }
  return [...names].sort();
}

/** The classes of `exported` that the README's error table does not name, with a message. */
export function missingFromTable(
  readme: string,
  text: string,
  exported: string[],
): { missing: string[]; message: string } {
  const table = readErrorTable(text);
  const missing = exported.filter((name) => !table?.names.has(name));
  const where = table
    ? `${readme}:${table.headingLine} ("Errors")`
    : `${readme} (no "Errors" section)`;
  return {
    missing,
    message:
      `${where} does not name ${missing.map((n) => `\`${n}\``).join(', ')}, which the package ` +
      `exports: add a row per class saying when it is thrown. By this check's definition, ${errorTableDefinition}.`,
  };
}

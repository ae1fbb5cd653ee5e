// Issue 12, acceptance 1: no cast to a member a ByteStream does not declare, and no write to
// the Node stream under a ByteStream. Found with the type checker, so that an alias or a
// `(stream as unknown as …)` does not hide one, and a cast of something else is not flagged.
import ts from 'typescript';

/** One place that works around the stream contract. */
export interface Bypass {
  /** `path:line:column` (path as given to the program). */
  where: string;
  kind: 'cast' | 'write' | 'hand-out';
  /** The offending source text, shortened. */
  text: string;
  /** What is wrong and what to use instead. */
  message: string;
}

// Members every ByteStream has: what makes a value "a stream" for this rule.
const contractShape = ['readExactly', 'writeAll', 'needsWrite'];
// Members of a Node Duplex (what lies under a Node-backed ByteStream).
const duplexShape = ['pipe', 'read', 'cork'];
// What users read off the Node stream under a ByteStream, that the contract now declares.
const counterNames = new Set([
  'bytesRead',
  'bytesWritten',
  'counter',
  'bufferedReadBytes',
  'bufferedWriteBytes',
  'maxBufferSize',
]);
// The Node Writable calls that put bytes (or their end) into a stream.
const writeMethods = new Set(['write', 'writev', '_write', '_writev', 'end', 'cork', 'uncork']);

/** What to use instead of reaching a member by cast, by member name. */
const instead: Record<string, string> = {
  maxBufferSize: 'the contract member `maxBufferSize` (optional where unknown)',
  bufferedReadBytes: 'the contract member `bufferedReadBytes`',
  bufferedWriteBytes: 'the contract member `bufferedWriteBytes`',
  bytesRead: 'the contract member `bytesRead`',
  bytesWritten: 'the contract member `bytesWritten`',
  counter: 'the contract members `bytesRead`/`bytesWritten`/`buffered*Bytes`',
  underlying: '`NodeBackedStream` (declares `underlying`) or, better, the contract itself',
  writev: 'the contract member `writev(parts)`/`writeAllv(parts)`',
};

function hasAll(checker: ts.TypeChecker, type: ts.Type, names: string[]): boolean {
  return names.every((name) => checker.getPropertyOfType(type, name) !== undefined);
}

function isByteStream(checker: ts.TypeChecker, type: ts.Type): boolean {
  return hasAll(checker, type, contractShape);
}

/** The expression under parentheses, casts and `!`. */
function innermost(node: ts.Expression): ts.Expression {
  let e = node;
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isSatisfiesExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** The outermost expression of `node` through parentheses, casts and `!`. */
function outermost(node: ts.Node): ts.Node {
  let n = node;
  while (
    n.parent &&
    (ts.isParenthesizedExpression(n.parent) ||
      ts.isAsExpression(n.parent) ||
      ts.isTypeAssertionExpression(n.parent) ||
      ts.isNonNullExpression(n.parent))
  ) {
    n = n.parent;
  }
  return n;
}

function place(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${file.fileName}:${line + 1}:${character + 1}`;
}

function shorten(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

/** If `node` is `<stream>.underlying` (through casts), true. */
function isUnderlyingOfStream(checker: ts.TypeChecker, node: ts.Node): boolean {
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'underlying') return false;
  const type = checker.getTypeAtLocation(innermost(node.expression));
  return isByteStream(checker, checker.getNonNullableType(type));
}

/** If `node` (the outermost form of a value) is the object of a write call, that call. */
function writeCallOn(node: ts.Node): ts.CallExpression | undefined {
  const access = node.parent;
  if (!access || !ts.isPropertyAccessExpression(access) || access.expression !== node) return;
  if (!writeMethods.has(access.name.text)) return;
  const call = outermost(access).parent;
  return call && ts.isCallExpression(call) ? call : undefined;
}

/** If `value` (the outermost form of a stream's `underlying`) leaves the expression: how. */
function handedOut(value: ts.Node): string | undefined {
  const p = value.parent;
  if (!p) return undefined;
  if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === value)) return 'returns';
  if (
    (ts.isCallExpression(p) || ts.isNewExpression(p)) &&
    p.arguments?.includes(value as ts.Expression)
  )
    return 'passes';
  if (
    ts.isBinaryExpression(p) &&
    p.right === value &&
    p.operatorToken.kind === ts.SyntaxKind.EqualsToken
  )
    return 'assigns';
  if (ts.isPropertyAssignment(p) || ts.isArrayLiteralExpression(p) || ts.isSpreadElement(p))
    return 'stores';
  if (ts.isConditionalExpression(p) && p.condition !== value) return handedOut(outermost(p));
  return undefined;
}

/** Every bypass of the contract in `files` of `program`. */
export function findBypasses(program: ts.Program, files: readonly string[]): Bypass[] {
  const checker = program.getTypeChecker();
  const found: Bypass[] = [];
  for (const fileName of files) {
    const file = program.getSourceFile(fileName);
    if (!file) throw new Error(`${fileName} is not in the program`);
    // Variables that hold a stream's `underlying`: their writes and hand-outs count too.
    const underlyingAliases = new Set<ts.Symbol>();
    // Variables a `new Stream(x)` (any ByteStream class) wraps: their writes count, once wrapped.
    const wrappedSources = new Set<ts.Symbol>();
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && isByteStream(checker, checker.getTypeAtLocation(node))) {
        const wrapped = node.arguments?.[0];
        const symbol = wrapped && ts.isIdentifier(wrapped) && checker.getSymbolAtLocation(wrapped);
        if (symbol) wrappedSources.add(symbol);
      }
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) checkCast(node);
      if (isUnderlyingOfStream(checker, node)) {
        const value = outermost(node);
        const call = writeCallOn(value);
        if (call) reportWrite(call);
        reportHandOut(value);
        const decl = value.parent;
        if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
          const symbol = checker.getSymbolAtLocation(decl.name);
          if (symbol) underlyingAliases.add(symbol);
        }
      }
      if (ts.isIdentifier(node) && !ts.isVariableDeclaration(node.parent)) {
        const symbol = checker.getSymbolAtLocation(node);
        if (symbol && (underlyingAliases.has(symbol) || wrappedSources.has(symbol))) {
          const value = outermost(node);
          const call = writeCallOn(value);
          if (call) reportWrite(call);
          if (underlyingAliases.has(symbol)) reportHandOut(value);
        }
      }
      ts.forEachChild(node, visit);
    };
    const checkCast = (node: ts.AsExpression | ts.TypeAssertion): void => {
      if (ts.isConstTypeReference(node.type)) return;
      const operand = checker.getNonNullableType(
        checker.getTypeAtLocation(innermost(node.expression)),
      );
      const stream = isByteStream(checker, operand);
      // A Node stream's own casts are its business, except to reach the counters a ByteStream
      // over it now declares (the watchdog's old `socket as unknown as Counters`).
      if (!stream && !hasAll(checker, operand, duplexShape)) return;
      const target = checker.getNonNullableType(checker.getTypeFromTypeNode(node.type));
      const declared = new Set(checker.getPropertiesOfType(operand).map((p) => p.escapedName));
      const undeclared = checker
        .getPropertiesOfType(target)
        .filter((p) => !declared.has(p.escapedName))
        .map((p) => checker.symbolToString(p))
        .filter((name) => stream || counterNames.has(name));
      const byKey =
        stream &&
        checker.getIndexInfosOfType(target).length > 0 &&
        checker.getIndexInfosOfType(operand).length === 0;
      if (undeclared.length === 0 && !byKey) return;
      const members = byKey ? ['[key]', ...undeclared] : undeclared;
      const use = members.map((m) => instead[m]).filter((s) => s !== undefined);
      found.push({
        where: place(node),
        kind: 'cast',
        text: shorten(node),
        message:
          `casts a ${stream ? checker.typeToString(operand) : `Node stream (${checker.typeToString(operand)})`} to reach ${members.map((m) => `\`${m}\``).join(', ')}, ` +
          `which it does not declare: use ${use.length > 0 ? use.join('; ') : 'a member the contract declares (add it to ByteStream in stream-core if users need it)'}`,
      });
    };
    const reportHandOut = (value: ts.Node): void => {
      const how = handedOut(value);
      if (!how) return;
      found.push({
        where: place(value),
        kind: 'hand-out',
        text: shorten(value.parent),
        message:
          `${how} the Node stream under a ByteStream, so what is written to it there goes past ` +
          "the stream's write queue unseen: use the contract (`write`/`writeAll`, " +
          '`writev(parts)`/`writeAllv(parts)`), or read what is needed from it here',
      });
    };
    const reportWrite = (call: ts.CallExpression): void => {
      found.push({
        where: place(call),
        kind: 'write',
        text: shorten(call),
        message:
          "writes to the Node stream under a ByteStream, past the stream's write queue (its " +
          "backpressure and `needsWrite()` do not see these bytes): use the contract's " +
          '`write`/`writeAll`, or `writev(parts)`/`writeAllv(parts)` for a gathered write',
      });
    };
    visit(file);
  }
  return found;
}

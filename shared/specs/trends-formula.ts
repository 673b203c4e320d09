/**
 * Formulas over the series of a trend, as analysts write them in PostHog, Amplitude or Mixpanel:
 * `A / B`, `(A - B) / A * 100`. A letter names a series in spec order (A the first); numbers,
 * + - * /, unary minus and parentheses are the whole language. Parsed by a small recursive
 * descent parser (never `eval`), so a formula is data; a problem names its character position.
 */
export type FormulaNode =
  | { kind: 'number'; value: number }
  | { kind: 'series'; index: number; letter: string; at: number }
  | { kind: 'negate'; operand: FormulaNode }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: FormulaNode; right: FormulaNode };

export class FormulaError extends Error {
  constructor(
    message: string,
    /** 1-based character position in the expression. */
    readonly position: number,
  ) {
    super(message);
  }
}

/** The most characters a formula may have (longer only ever came from a generator). */
export const MAX_FORMULA_LENGTH = 200;
/** Parentheses and unary minus nest at most this deep: the parser recurses. */
const MAX_DEPTH = 30;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The letter of the 0-based series `index` ('A' for the first). */
export function seriesLetter(index: number): string {
  return LETTERS[index] ?? '?';
}

/** Parses a formula; throws FormulaError naming the position of the first problem. */
export function parseFormula(expression: string): FormulaNode {
  if (expression.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(
      `a formula has at most ${MAX_FORMULA_LENGTH} characters`,
      MAX_FORMULA_LENGTH + 1,
    );
  }
  let at = 0;
  let depth = 0;
  const skip = (): void => {
    while (at < expression.length && /\s/.test(expression[at] ?? '')) at++;
  };
  const peek = (): string | undefined => {
    skip();
    return expression[at];
  };
  const fail = (message: string, position = at): never => {
    throw new FormulaError(`${message} at character ${position + 1}`, position + 1);
  };
  const found = (): string => {
    const c = peek();
    return c === undefined ? 'the end' : `'${c}'`;
  };

  const primary = (): FormulaNode => {
    const c = peek();
    if (c === undefined) return fail('expected a series letter, a number or (, found the end');
    if (c === '(') {
      const open = at;
      at++;
      if (++depth > MAX_DEPTH) fail(`parentheses nest at most ${MAX_DEPTH} deep`, open);
      const inner = sum();
      depth--;
      if (peek() !== ')')
        fail(`expected ) to close the ( at character ${open + 1}, found ${found()}`);
      at++;
      return inner;
    }
    if (/[0-9.]/.test(c)) {
      const start = at;
      const match = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(expression.slice(at));
      if (match === null) return fail(`'${c}' does not start a number`);
      at += match[0].length;
      const value = Number(match[0]);
      if (!Number.isFinite(value)) fail(`${match[0]} is not a finite number`, start);
      return { kind: 'number', value };
    }
    if (/[A-Za-z]/.test(c)) {
      const start = at;
      const word = /^[A-Za-z]+/.exec(expression.slice(at))?.[0] ?? c;
      if (word.length > 1) {
        fail(`'${word}' is not a series: series are single letters (A, B, ...)`, start);
      }
      at++;
      const letter = c.toUpperCase();
      return { kind: 'series', index: LETTERS.indexOf(letter), letter, at: start + 1 };
    }
    return fail(`expected a series letter, a number or (, found '${c}'`);
  };

  const unary = (): FormulaNode => {
    const c = peek();
    if (c === '-' || c === '+') {
      const start = at;
      at++;
      if (++depth > MAX_DEPTH) fail(`signs nest at most ${MAX_DEPTH} deep`, start);
      const operand = unary();
      depth--;
      return c === '-' ? { kind: 'negate', operand } : operand;
    }
    return primary();
  };

  const product = (): FormulaNode => {
    let left = unary();
    for (let c = peek(); c === '*' || c === '/'; c = peek()) {
      at++;
      left = { kind: 'binary', op: c, left, right: unary() };
    }
    return left;
  };

  const sum = (): FormulaNode => {
    let left = product();
    for (let c = peek(); c === '+' || c === '-'; c = peek()) {
      at++;
      left = { kind: 'binary', op: c, left, right: product() };
    }
    return left;
  };

  if (peek() === undefined) fail('the formula is empty', 0);
  const tree = sum();
  if (peek() !== undefined) fail(`expected an operator (+ - * /) or the end, found ${found()}`);
  return tree;
}

/** The series a formula reads, each once, with the position it is first named at. */
export function formulaSeries(tree: FormulaNode): { index: number; letter: string; at: number }[] {
  const out: { index: number; letter: string; at: number }[] = [];
  const walk = (n: FormulaNode): void => {
    if (n.kind === 'series') {
      if (!out.some((s) => s.index === n.index)) out.push(n);
    } else if (n.kind === 'negate') walk(n.operand);
    else if (n.kind === 'binary') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(tree);
  return out;
}

/**
 * A formula's value from its series' values: null when a series it reads has none (an average
 * of no events, a period not observed), when it divides by zero, or when the result is not a
 * finite number.
 */
export function evaluateFormula(
  tree: FormulaNode,
  valueOf: (series: number) => number | null,
): number | null {
  const ev = (n: FormulaNode): number | null => {
    switch (n.kind) {
      case 'number':
        return n.value;
      case 'series':
        return valueOf(n.index);
      case 'negate': {
        const v = ev(n.operand);
        return v === null ? null : -v;
      }
      case 'binary': {
        const a = ev(n.left);
        const b = ev(n.right);
        if (a === null || b === null) return null;
        switch (n.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return b === 0 ? null : a / b;
        }
      }
    }
  };
  const v = ev(tree);
  return v === null || !Number.isFinite(v) ? null : v;
}

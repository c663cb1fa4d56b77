/**
 * Where the first JSON syntax error in `text` is: the 1-based line and column, or null when
 * `text` is valid JSON. Run only after `JSON.parse` failed, whose messages give a position for
 * some errors and a quoted snippet for others; this names the line for all of them.
 *
 * @example jsonErrorAt('[1,\n2,,3]') // { line: 2, column: 3 }
 */
export function jsonErrorAt(text: string): { line: number; column: number } | null {
  let pos = 0;
  const fail = (): never => {
    throw new SyntaxAt(pos);
  };
  const space = () => {
    for (let c = text.charCodeAt(pos); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++pos));
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, pos)) fail();
    pos += word.length;
  };
  const string = () => {
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail();
      const c = text.charCodeAt(pos);
      if (c === 34) {
        pos++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        const e = text[pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail();
          pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) pos += 2;
        else fail();
      } else pos++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (!m) fail();
    pos += m![0].length;
  };
  // Iterative over nesting, so deep documents cannot overflow the stack.
  const stack: number[] = []; // 91 [ or 123 {
  const value = () => {
    space();
    const c = text.charCodeAt(pos);
    if (c === 123 || c === 91) {
      stack.push(c);
      pos++;
      space();
      if (text.charCodeAt(pos) === (c === 123 ? 125 : 93)) {
        stack.pop();
        pos++;
        return false;
      }
      if (c === 123) key();
      return true;
    }
    if (c === 34) string();
    else if (c === 116) literal('true');
    else if (c === 102) literal('false');
    else if (c === 110) literal('null');
    else number();
    return false;
  };
  const key = () => {
    space();
    if (text.charCodeAt(pos) !== 34) fail();
    string();
    space();
    if (text.charCodeAt(pos) !== 58) fail();
    pos++;
  };
  try {
    if (!value()) {
      space();
      if (pos < text.length) fail();
      return null;
    }
    for (;;) {
      if (value()) continue; // opened a container: its first value next
      // After a value: close containers or go on with a comma.
      for (;;) {
        space();
        const top = stack[stack.length - 1];
        if (top === undefined) {
          if (pos < text.length) fail();
          return null;
        }
        const c = text.charCodeAt(pos);
        if (c === 44) {
          pos++;
          if (top === 123) key();
          break;
        }
        if (c === (top === 123 ? 125 : 93)) {
          stack.pop();
          pos++;
          continue;
        }
        fail();
      }
    }
  } catch (error) {
    if (!(error instanceof SyntaxAt)) throw error;
    return lineAndColumn(text, Math.min(error.pos, text.length));
  }
}

class SyntaxAt {
  constructor(readonly pos: number) {}
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < pos; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

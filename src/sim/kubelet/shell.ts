/**
 * A parser for the subset of POSIX sh that container commands in the Kubernetes docs use:
 * simple commands with quoting and `$VAR` / `${VAR}` / `$(cmd)` / `` `cmd` `` / `$((expr))`
 * expansions, `;` `&&` `||` `|` `&` and newlines, redirections, `while`/`until`/`for`/`if` and
 * `{ …; }` / `( … )` groups. Anything else is a syntax error, and the caller falls back to a
 * default behaviour (see behaviour.ts). Execution lives in script.ts.
 */

export type Part =
  | { t: "lit"; v: string; quoted: boolean }
  | { t: "var"; name: string; fallback?: Word; quoted: boolean }
  | { t: "cmd"; script: List; quoted: boolean }
  | { t: "arith"; expr: string; quoted: boolean };

export type Word = Part[];

export interface Redirect {
  /** ">", ">>", "<", or a descriptor form such as "2>", "2>&1", "&>". */
  op: string;
  target?: Word;
}

export interface Simple {
  kind: "simple";
  assigns: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}
export interface Loop {
  kind: "loop";
  until: boolean;
  cond: List;
  body: List;
}
export interface For {
  kind: "for";
  name: string;
  items: Word[];
  body: List;
}
export interface If {
  kind: "if";
  branches: { cond: List; body: List }[];
  otherwise?: List;
}
export interface Group {
  kind: "group";
  body: List;
}
export type Command = Simple | Loop | For | If | Group;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}
export interface AndOr {
  first: Pipeline;
  rest: { op: "&&" | "||"; pipeline: Pipeline }[];
  background: boolean;
}
export type List = AndOr[];

export class ShellSyntaxError extends Error {}

const RESERVED = new Set(["do", "done", "then", "elif", "else", "fi", "}", "in"]);
const OPERATOR_START = new Set([";", "&", "|", "(", ")", "<", ">", "\n"]);

/** Parses a script (`sh -c` argument). Throws ShellSyntaxError on anything outside the subset. */
export function parseScript(source: string): List {
  const parser = new Parser(source);
  const list = parser.list([]);
  parser.skipBlank(true);
  if (!parser.atEnd()) throw new ShellSyntaxError(`unexpected ${JSON.stringify(parser.rest().slice(0, 10))}`);
  return list;
}

/** A literal word (for argv that did not go through a shell). */
export function literalWord(text: string): Word {
  return [{ t: "lit", v: text, quoted: true }];
}

/** The text of a word when it has no expansions (for keywords and command names). */
export function plainText(word: Word): string | undefined {
  let out = "";
  for (const part of word) {
    if (part.t !== "lit") return undefined;
    out += part.v;
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }
  rest(): string {
    return this.src.slice(this.pos);
  }
  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  /** Skips spaces, tabs, line continuations and comments; also newlines when `newlines`. */
  skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.pos++;
      else if (c === "\\" && this.peek(1) === "\n") this.pos += 2;
      else if (c === "#") while (!this.atEnd() && this.peek() !== "\n") this.pos++;
      else return;
    }
  }

  /** The next reserved word at command position, without consuming it. */
  private peekWord(): string | undefined {
    const m = /^[A-Za-z_{}!]+/.exec(this.rest());
    if (!m) return undefined;
    const next = this.src[this.pos + m[0].length] ?? "";
    return next === "" || /[\s;&|()<>]/.test(next) ? m[0] : undefined;
  }

  private expectWord(word: string): void {
    this.skipBlank(true);
    if (this.peekWord() !== word) throw new ShellSyntaxError(`expected "${word}"`);
    this.pos += word.length;
  }

  /** A list of and-or items until one of `terminators` (reserved words) or ")" or the end. */
  list(terminators: string[]): List {
    const items: AndOr[] = [];
    for (;;) {
      this.skipBlank(true);
      while (this.peek() === ";") {
        this.pos++;
        this.skipBlank(true);
      }
      if (this.atEnd() || this.peek() === ")") return items;
      const word = this.peekWord();
      if (word && terminators.includes(word)) return items;
      if (word && RESERVED.has(word)) throw new ShellSyntaxError(`unexpected "${word}"`);
      const item = this.andOr();
      items.push(item);
      this.skipBlank(false);
      const c = this.peek();
      if (c === ";" || c === "\n") this.pos++;
      else if (c === "&" && this.peek(1) !== "&") {
        this.pos++;
        item.background = true;
      }
    }
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr["rest"] = [];
    for (;;) {
      this.skipBlank(false);
      const two = this.src.slice(this.pos, this.pos + 2);
      if (two !== "&&" && two !== "||") return { first, rest, background: false };
      this.pos += 2;
      this.skipBlank(true);
      rest.push({ op: two, pipeline: this.pipeline() });
    }
  }

  private pipeline(): Pipeline {
    this.skipBlank(false);
    let negate = false;
    if (this.peekWord() === "!") {
      negate = true;
      this.pos++;
    }
    const commands = [this.command()];
    for (;;) {
      this.skipBlank(false);
      if (this.peek() !== "|" || this.peek(1) === "|") return { negate, commands };
      this.pos++;
      this.skipBlank(true);
      commands.push(this.command());
    }
  }

  private command(): Command {
    this.skipBlank(false);
    const word = this.peekWord();
    if (word === "while" || word === "until") {
      this.pos += word.length;
      const cond = this.list(["do"]);
      this.expectWord("do");
      const body = this.list(["done"]);
      this.expectWord("done");
      return { kind: "loop", until: word === "until", cond, body };
    }
    if (word === "for") {
      this.pos += 3;
      this.skipBlank(false);
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.rest())?.[0];
      if (!name) throw new ShellSyntaxError("bad for loop variable");
      this.pos += name.length;
      this.skipBlank(true);
      const items: Word[] = [];
      if (this.peekWord() === "in") {
        this.pos += 2;
        for (;;) {
          this.skipBlank(false);
          const c = this.peek();
          if (c === ";" || c === "\n" || c === "") break;
          items.push(this.word());
        }
      }
      this.skipBlank(true);
      if (this.peek() === ";") this.pos++;
      this.expectWord("do");
      const body = this.list(["done"]);
      this.expectWord("done");
      return { kind: "for", name, items, body };
    }
    if (word === "if") {
      this.pos += 2;
      const branches: If["branches"] = [];
      let otherwise: List | undefined;
      for (;;) {
        const cond = this.list(["then"]);
        this.expectWord("then");
        const body = this.list(["elif", "else", "fi"]);
        branches.push({ cond, body });
        this.skipBlank(true);
        const next = this.peekWord();
        if (next === "elif") {
          this.pos += 4;
          continue;
        }
        if (next === "else") {
          this.pos += 4;
          otherwise = this.list(["fi"]);
        }
        this.expectWord("fi");
        return { kind: "if", branches, otherwise };
      }
    }
    if (word === "{") {
      this.pos++;
      const body = this.list(["}"]);
      this.expectWord("}");
      return { kind: "group", body };
    }
    if (this.peek() === "(") {
      this.pos++;
      const body = this.list([]);
      this.skipBlank(true);
      if (this.peek() !== ")") throw new ShellSyntaxError("expected )");
      this.pos++;
      return { kind: "group", body };
    }
    return this.simple();
  }

  private simple(): Simple {
    const cmd: Simple = { kind: "simple", assigns: [], words: [], redirects: [] };
    for (;;) {
      this.skipBlank(false);
      const c = this.peek();
      if (c === "" || c === "\n" || c === ";" || c === ")" || (c === "&" && this.peek(1) !== ">") || c === "|") break;
      const redirect = /^(\d?>>|\d?>&\d|\d?>|&>|<)/.exec(this.rest());
      if (redirect) {
        this.pos += redirect[0].length;
        if (redirect[0].includes("&") && /\d$/.test(redirect[0])) {
          cmd.redirects.push({ op: redirect[0] });
        } else {
          this.skipBlank(false);
          cmd.redirects.push({ op: redirect[0], target: this.word() });
        }
        continue;
      }
      if (cmd.words.length === 0) {
        const assign = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(this.rest());
        if (assign) {
          this.pos += assign[0].length;
          const next = this.peek();
          const value = next === "" || /[\s;&|)]/.test(next) ? [] : this.word();
          cmd.assigns.push({ name: assign[1], value });
          continue;
        }
      }
      cmd.words.push(this.word());
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
      throw new ShellSyntaxError(`unexpected ${JSON.stringify(this.peek() || "end of input")}`);
    }
    return cmd;
  }

  /** One word: adjacent literal, quoted and expansion parts. */
  word(): Word {
    const parts: Part[] = [];
    let lit = "";
    const flush = () => {
      if (lit) parts.push({ t: "lit", v: lit, quoted: false });
      lit = "";
    };
    for (;;) {
      const c = this.peek();
      if (c === "" || c === " " || c === "\t" || c === "\r" || OPERATOR_START.has(c)) break;
      if (c === "\\") {
        if (this.peek(1) === "\n") this.pos += 2;
        else {
          lit += this.peek(1);
          this.pos += 2;
        }
      } else if (c === "'") {
        flush();
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError("unterminated '");
        parts.push({ t: "lit", v: this.src.slice(this.pos + 1, end), quoted: true });
        this.pos = end + 1;
      } else if (c === '"') {
        flush();
        this.pos++;
        parts.push(...this.doubleQuoted());
      } else if (c === "$" || c === "`") {
        const part = this.expansion(false);
        if (part) {
          flush();
          parts.push(part);
        } else {
          lit += c;
          this.pos++;
        }
      } else {
        lit += c;
        this.pos++;
      }
    }
    flush();
    if (parts.length === 0) throw new ShellSyntaxError("empty word");
    return parts;
  }

  private doubleQuoted(): Part[] {
    const parts: Part[] = [];
    let lit = "";
    for (;;) {
      const c = this.peek();
      if (c === "") throw new ShellSyntaxError('unterminated "');
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === "\\" && '"\\$`\n'.includes(this.peek(1))) {
        if (this.peek(1) !== "\n") lit += this.peek(1);
        this.pos += 2;
      } else if (c === "$" || c === "`") {
        const part = this.expansion(true);
        if (part) {
          if (lit) parts.push({ t: "lit", v: lit, quoted: true });
          lit = "";
          parts.push(part);
        } else {
          lit += c;
          this.pos++;
        }
      } else {
        lit += c;
        this.pos++;
      }
    }
    // An empty "" is still a (empty) word.
    if (lit || parts.length === 0) parts.push({ t: "lit", v: lit, quoted: true });
    return parts;
  }

  /** `$name`, `${name}`, `${name:-word}`, `$(…)`, `` `…` ``, `$((…))`; undefined for a lone `$`. */
  private expansion(quoted: boolean): Part | undefined {
    const rest = this.rest();
    if (rest.startsWith("$((")) {
      let depth = 0;
      for (let i = 1; i < rest.length; i++) {
        if (rest[i] === "(") depth++;
        else if (rest[i] === ")") {
          depth--;
          if (depth === 0) {
            if (rest[i - 1] !== ")") break;
            this.pos += i + 1;
            return { t: "arith", expr: rest.slice(3, i - 1), quoted };
          }
        }
      }
      throw new ShellSyntaxError("unterminated $((");
    }
    if (rest.startsWith("$(")) {
      this.pos += 2;
      const script = this.list([]);
      this.skipBlank(true);
      if (this.peek() !== ")") throw new ShellSyntaxError("unterminated $(");
      this.pos++;
      return { t: "cmd", script, quoted };
    }
    if (rest.startsWith("`")) {
      const end = rest.indexOf("`", 1);
      if (end < 0) throw new ShellSyntaxError("unterminated `");
      this.pos += end + 1;
      return { t: "cmd", script: parseScript(rest.slice(1, end)), quoted };
    }
    if (rest.startsWith("${")) {
      const end = rest.indexOf("}");
      if (end < 0) throw new ShellSyntaxError("unterminated ${");
      const inner = rest.slice(2, end);
      this.pos += end + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*])(?::?[-=](.*))?$/.exec(inner);
      if (!m) return { t: "lit", v: "", quoted };
      const fallback = m[2] !== undefined ? [{ t: "lit" as const, v: m[2], quoted: true }] : undefined;
      return { t: "var", name: m[1], fallback, quoted };
    }
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*!])/.exec(rest);
    if (!m) return undefined;
    this.pos += m[0].length;
    return { t: "var", name: m[1], quoted };
  }
}

/** Static facts about a parsed script that the interpreter and the behaviour rules rely on. */
import { type Command, type List, type Simple, plainText } from "./shell";
import { basename } from "./coreutils";

/** `while true`, `while :`, `while sleep N` — conditions that never fail. */
export function isAlwaysTrue(cond: List): boolean {
  if (cond.length !== 1 || cond[0].rest.length || cond[0].first.commands.length !== 1 || cond[0].first.negate) return false;
  const cmd = cond[0].first.commands[0];
  if (cmd.kind !== "simple" || cmd.words.length === 0) return false;
  const name = plainText(cmd.words[0]);
  return name === "true" || name === ":" || name === "sleep" || name === "/bin/true";
}

function walk(list: List, visit: (cmd: Simple) => boolean): boolean {
  const inCommand = (cmd: Command): boolean => {
    switch (cmd.kind) {
      case "simple":
        return visit(cmd) || cmd.words.some((w) => w.some((p) => p.t === "cmd" && walk(p.script, visit)));
      case "group":
        return walk(cmd.body, visit);
      case "loop":
        return walk(cmd.cond, visit) || walk(cmd.body, visit);
      case "for":
        return walk(cmd.body, visit);
      case "if":
        return cmd.branches.some((b) => walk(b.cond, visit) || walk(b.body, visit)) || (cmd.otherwise ? walk(cmd.otherwise, visit) : false);
    }
  };
  return list.some((item) => [item.first, ...item.rest.map((r) => r.pipeline)].some((p) => p.commands.some(inCommand)));
}

export function breaksOut(body: List): boolean {
  return walk(body, (cmd) => {
    const name = cmd.words[0] && plainText(cmd.words[0]);
    return name === "break" || name === "exit";
  });
}

/** Whether any command in `list` can print (or write files, which probes may read). */
export function mayPrint(list: List): boolean {
  return walk(list, (cmd) => {
    if (cmd.redirects.some((r) => r.target)) return true;
    const name = cmd.words[0] && plainText(cmd.words[0]);
    if (name === undefined) return cmd.words.length > 0;
    return ["echo", "printf", "date", "cat", "env", "printenv", "hostname", "ls", "touch", "rm", "seq", "nslookup", "host", "dig", "getent", "python", "python3", "tee"].includes(basename(name));
  });
}

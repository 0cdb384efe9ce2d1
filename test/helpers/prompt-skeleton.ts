/**
 * The structure of a prompt as a CommonMark reader sees it, with the quoted data taken out:
 * a fenced block becomes one `⟨block lang⟩ … ⟨/block⟩` pair (its content dropped) and a code
 * span becomes `⟨v⟩`. What is left is every line of prompt structure: headings, list items and
 * instruction text. Line endings are CommonMark's (`\n`, `\r\n` and a lone `\r`).
 */
export function promptSkeleton(text: string): string[] {
  const out: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (close?.[0] === fence.char && close.length >= fence.length) {
        fence = undefined;
        out.push("⟨/block⟩");
      }
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    const marker = open?.[1];
    const info = open?.[2] ?? "";
    // A backtick fence's info string may not hold a backtick (CommonMark 4.5).
    if (marker && !(marker[0] === "`" && info.includes("`"))) {
      fence = { char: marker[0] as string, length: marker.length };
      out.push(`⟨block ${info.trim()}⟩`);
      continue;
    }
    out.push(line.replace(/`[^`]*`/g, "⟨v⟩"));
  }
  if (fence) out.push("⟨unclosed block⟩");
  return out;
}

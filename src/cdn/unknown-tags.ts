/**
 * A mistyped tag (`<rt-stream-progres>`) is never defined: a blank box, 0 px high, and nothing said
 * (QA53 F1). The script-tag files say each `rt-*` tag they have no element for once on the console,
 * with the nearest one they have (the longest shared start).
 */
const said = new Set<string>();
const shared = (a: string, b: string) => {
  let i = 0;
  while (a[i] && a[i] === b[i]) i++;
  return i;
};

/** Says (once per tag) every undefined `rt-*` element at or under `root` that is not one of `known`. */
export function sayUnknownTags(root: ParentNode, known: readonly string[]): void {
  const found = [...root.querySelectorAll(':not(:defined)')];
  if (root instanceof Element) found.push(root);
  for (const { localName: tag } of found) {
    if (!tag.startsWith('rt-') || known.includes(tag) || said.has(tag) || customElements.get(tag)) continue;
    said.add(tag);
    const near = known.reduce((a, b) => (shared(b, tag) > shared(a, tag) ? b : a));
    console.warn(`rt-monitor has no element <${tag}>: did you mean <${near}>? (It has ${known.join(', ')}.)`);
  }
}

/**
 * Attributes that take one of a few words (`theme`, `size`): a value outside them is used as the
 * default, and said once on the console (per element, attribute and value), as a number attribute
 * out of range is (./number-attributes.ts). A mistyped `theme="drak"` drew a light card with no
 * word why (QA53 F4).
 */
const said = new Set<string>();

/** Says (once) that `owner`'s `attribute` is `value`, none of `allowed`, and that `used` is used. Unset or allowed: nothing. */
export function sayUnknownChoice(owner: string, attribute: string, value: unknown, allowed: readonly string[], used: string): void {
  const key = `${owner}|${attribute}|${String(value)}`;
  if (value == null || value === '' || allowed.includes(value as string) || said.has(key)) return;
  said.add(key);
  console.warn(`rt-monitor: <${owner}> ${attribute}=${JSON.stringify(String(value))} is none of ${allowed.join(', ')}; using ${used}.`);
}

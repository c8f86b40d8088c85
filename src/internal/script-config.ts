/**
 * How the script-tag bundle (src/cdn.ts) reads the page's configuration. One rule per way a page
 * delivers it (docs/distribution.md, "Script tag: how configuration is found"):
 *
 * - A classic `<script src>` (also `defer`, `async`, or appended later by a loader / tag manager):
 *   its own tag, `document.currentScript`.
 * - `type="module"` (or any load where `document.currentScript` is null): the first `<script>` in
 *   the document carrying `data-supabase-url`, `data-anon-key` or `data-access-token`.
 * - Two tags with different `data-*` configuration: the first one configured wins; the second
 *   is ignored with one console warning (call `RtMonitor.configure()` to switch on purpose).
 * - `RtMonitor.configure()` called before the bundle loaded: supported through a command queue,
 *   `(window.RtMonitor ||= { q: [] }).q.push(['configure', { url, anonKey }])`, replayed on load
 *   after the tag's `data-*` configuration (so page code wins over the tag).
 */
import type { RtClientOptions } from '../core/client.js';

const DATA_SELECTOR = 'script[data-supabase-url], script[data-anon-key], script[data-access-token]';

/** The `data-*` configuration of one script tag, or null when it carries none. */
export function optionsOfScript(script: HTMLScriptElement | null | undefined): RtClientOptions | null {
  const data = script?.dataset;
  if (!data) return null;
  const url = data.supabaseUrl?.trim() || undefined;
  const anonKey = data.anonKey?.trim() || undefined;
  const accessToken = data.accessToken?.trim() || undefined;
  if (!url && !anonKey && !accessToken) return null;
  return { url, anonKey, accessToken };
}

/** The script tag whose configuration applies: the running classic script, else the first tag with data-*. */
export function configScript(current: HTMLScriptElement | null, doc: Document | undefined): HTMLScriptElement | null {
  if (current) return current;
  return (doc?.querySelector(DATA_SELECTOR) as HTMLScriptElement | null) ?? null;
}

/** Identity of a configuration (a second identical tag is a no-op). */
export const optionsKey = (o: RtClientOptions): string =>
  JSON.stringify([o.url ?? '', o.anonKey ?? '', typeof o.accessToken === 'string' ? o.accessToken : '']);

/** A pre-load command: `['configure', options]` (or any other method name of `window.RtMonitor`). */
export type QueuedCommand = [method: string, ...args: unknown[]];

/** The command queue of a stub `window.RtMonitor = { q: [...] }` set before the bundle loaded. */
export function queuedCommands(stub: unknown): QueuedCommand[] | null {
  const q = (stub as { q?: unknown } | null | undefined)?.q;
  return Array.isArray(q) ? (q.filter((c) => Array.isArray(c) && typeof c[0] === 'string') as QueuedCommand[]) : null;
}

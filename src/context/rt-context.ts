/**
 * Context keys. `Symbol.for(...)` keys make two copies of the bundle on one page share one
 * client (a context key is matched by identity).
 */
import { createContext, ContextRoot } from '@lit/context';
import type { RtClientApi } from '../core/client-types.js';

/**
 * Which colours the elements use:
 * - `page` (the default, also when unset): follow the host page, i.e. the `color-scheme` the element
 *   inherits (CSS `color-scheme` or `<meta name="color-scheme">`). A page that declares only
 *   `light` (or nothing) gets light cards even when the OS is in dark mode; a page that declares
 *   `light dark` gets the OS's choice, as its own form controls do.
 * - `auto`: follow the OS (`prefers-color-scheme`), whatever the page declares.
 *   `system` is the same as `auto` (its former name).
 * - `light`, `dark`: forced.
 */
export type RtTheme = 'page' | 'auto' | 'light' | 'dark' | 'system';

/**
 * The client an `<rt-provider>` provides: a client; `null` when the provider has a client source of
 * its own (`supabase-url`, `anon-key`, `access-token`, `client`) but no client (not configured, or
 * not built yet): its elements wait for it and never use the page default (`configure()`), another
 * user's client; `undefined` when it sets nothing of the client's and there is none around it.
 */
export const rtClientContext = createContext<RtClientApi | null | undefined>(Symbol.for('rt-monitor.client'));
export const rtLocaleContext = createContext<string | undefined>(Symbol.for('rt-monitor.locale'));
export const rtThemeContext = createContext<RtTheme | undefined>(Symbol.for('rt-monitor.theme'));

const ROOT = Symbol.for('rt-monitor.context-root');

/** Consumers made per document (calls of {@link ensureContextRoot}). */
const made = new WeakMap<Document, number>();
/** Every this many consumers made, the root's waiting requests are pruned. */
export const PRUNE_EVERY = 100;

/**
 * Attach one ContextRoot per document, so elements that upgrade before their provider still
 * receive the client once the provider appears. Safe to call many times (and from two bundles).
 *
 * The root keeps every request no provider has answered until a provider of that context appears;
 * on a page without any `<rt-provider>` (a script tag, `configure()`) that is every widget ever
 * made (QA19: ~200 bytes per mount, for good). So every {@link PRUNE_EVERY} consumers it is told a
 * provider appeared (the Context Community Protocol's `context-provider` event, at the root): it
 * asks again from the elements still in the document, keeps those, and forgets the rest.
 */
export function ensureContextRoot(doc: Document | undefined = typeof document !== 'undefined' ? document : undefined): void {
  if (!doc) return;
  const d = doc as unknown as Record<symbol, unknown>;
  if (!d[ROOT]) {
    const root = new ContextRoot();
    root.attach(doc.documentElement);
    d[ROOT] = root;
  }
  const n = (made.get(doc) ?? 0) + 1;
  made.set(doc, n);
  if (n % PRUNE_EVERY === 0) {
    queueMicrotask(() => {
      for (const context of [rtClientContext, rtLocaleContext, rtThemeContext]) {
        doc.documentElement.dispatchEvent(Object.assign(new Event('context-provider'), { context }));
      }
    });
  }
}

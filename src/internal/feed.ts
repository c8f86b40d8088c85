/**
 * Keyboard support for the ARIA feed pattern: articles are focusable;
 * ArrowDown/PageDown and ArrowUp/PageUp move between them, Home/End jump.
 */
export function onFeedKeydown(e: KeyboardEvent): void {
  const target = e.target as HTMLElement | null;
  const article = target?.closest?.('[role="article"], article') as HTMLElement | null;
  const feed = e.currentTarget as HTMLElement | null;
  if (!article || !feed || article !== target) return;
  const items = [...feed.querySelectorAll<HTMLElement>('article')];
  const i = items.indexOf(article);
  let next = -1;
  switch (e.key) {
    case 'ArrowDown':
    case 'PageDown':
      next = Math.min(items.length - 1, i + 1);
      break;
    case 'ArrowUp':
    case 'PageUp':
      next = Math.max(0, i - 1);
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = items.length - 1;
      break;
    default:
      return;
  }
  e.preventDefault();
  items[next]?.focus();
}

interface FeedRow {
  id: string;
  created_at?: string | null;
}

/** The newest `limit` rows of a feed, newest first; tolerant of null or malformed entries. */
export function newestFirst<T extends FeedRow>(list: unknown, limit: number, time: (v: unknown) => number | null): T[] {
  return (Array.isArray(list) ? (list.filter((r) => r && typeof r === 'object') as T[]) : [])
    .slice()
    .sort((a, b) => (time(b.created_at) ?? 0) - (time(a.created_at) ?? 0))
    .slice(0, limit);
}

/**
 * Tells which rows of a live feed arrived since the last look (to announce them and fire events),
 * without treating the first snapshot, or a switch to another user, as "new".
 */
export class NewRows {
  #seen: Set<string> | null = null;
  #key: string | undefined;

  /** Rows not seen before; [] on the first call for `key` or while not live. */
  take<T extends FeedRow>(key: string | undefined, rows: readonly T[], live: boolean): T[] {
    if (key !== this.#key) {
      this.#key = key;
      this.#seen = null;
    }
    if (!live) return [];
    const fresh = this.#seen ? rows.filter((r) => r && !this.#seen!.has(r.id)) : [];
    this.#seen = new Set(rows.filter(Boolean).map((r) => r.id));
    return fresh;
  }
}

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

/** Ids of rows already told, per subscription: enough for any burst a state names (INSERTED_LIMIT). */
const TOLD_LIMIT = 2000;

/**
 * Tells which rows of a live feed arrived since the last look (to announce them and fire events):
 * the rows Realtime inserted since then (`inserted`, LiveQueryState.inserted: also those a bounded
 * list did not keep, QA40), and rows newly shown that are not older than the newest seen, oldest
 * first by `created_at` (ties in delivery order). Each row once. Not new: the first rows of a
 * subscription (`generation`: another user, client or filter starts over), and rows older than
 * the newest already seen that no insert brought — a row that slides into a bounded list because a
 * newer one was deleted, or that a resync brings back.
 */
export class NewRows {
  #seen: Set<string> | null = null;
  #newest = -Infinity;
  #generation: unknown = undefined;
  /** Ids told, oldest first (a Set keeps insertion order). */
  #told = new Set<string>();
  /** The looks of the last few generations left: `[seen, newest, told]` by generation. */
  #saved = new Map<unknown, [Set<string> | null, number, Set<string>]>();

  /**
   * Rows not told before; [] on a generation's first look or while not live. `held`: rows wait (a
   * catch-up read is owed): [], but a generation's first look is taken now, so that the rows the
   * read brings, and those shown meanwhile, are new.
   */
  take<T extends FeedRow>(generation: unknown, rows: readonly T[], live: boolean, time: (v: unknown) => number | null, inserted: readonly unknown[] = [], held = false): T[] {
    if (generation !== this.#generation) {
      // Kept for the generation shown again (moved to another user and back: QA68 F2).
      this.#saved.delete(this.#generation);
      this.#saved.set(this.#generation, [this.#seen, this.#newest, this.#told]);
      if (this.#saved.size > 4) this.#saved.delete(this.#saved.keys().next().value);
      [this.#seen, this.#newest, this.#told] = this.#saved.get(generation) ?? [null, -Infinity, new Set()];
      this.#saved.delete(generation);
      this.#generation = generation;
    }
    if (!live || (held && this.#seen)) return [];
    const valid = rows.filter((r) => r && typeof r === 'object');
    const seen = this.#seen;
    // Oldest first by `created_at` (the order they were written in), ties in the order Realtime
    // delivered them, then those a read brought (QA42 F2: rows a re-read brought fired after the
    // delivered ones, newest first as the list shows them); undated ones last.
    const at = (r: T) => time(r.created_at) ?? Infinity;
    const fresh = seen
      ? [
          ...(inserted.filter((r) => r && typeof r === 'object') as T[]),
          ...valid.filter((r) => !seen.has(r.id) && at(r) >= this.#newest).reverse(),
        ]
          .filter((r) => this.#tell(String(r.id)))
          .sort((a, b) => at(a) - at(b) || 0) // undated: Infinity - Infinity is NaN, a tie
      : [];
    // The first look's rows are told (none fire): a catch-up read may hand them on again (QA44).
    if (!seen) for (const r of valid) this.#tell(String(r.id));
    this.#seen = new Set(valid.map((r) => r.id));
    for (const r of valid) this.#newest = Math.max(this.#newest, time(r.created_at) ?? -Infinity);
    return fresh;
  }

  /** True the first time `id` is told in this subscription. */
  #tell(id: string): boolean {
    if (this.#told.has(id)) return false;
    this.#told.add(id);
    if (this.#told.size > TOLD_LIMIT) this.#told.delete(this.#told.values().next().value!);
    return true;
  }
}

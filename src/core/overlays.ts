/**
 * Optimistic overlays: a patch shown over a held row (e.g. `read: true` after "mark as read")
 * until the server's own newer version arrives, the write is rolled back, or it expires. A
 * confirmed patch whose change has not arrived in time (realtime lagging) is not dropped back to
 * the row as it was before the write: the store reads the rows again (`lapsed`), and the patch
 * stands until that read lands (`expire`).
 */
import { rowKey, type StoreRow } from './row-window.js';
import { versionOf } from './version.js';

interface Overlay {
  patch: Record<string, unknown>;
  /** Version of the row when the patch was made; a newer server version supersedes the patch. */
  baseVersion: number;
  /** Epoch ms after which a confirmed patch is dropped even if no newer version came (null: not confirmed). */
  expiresAt: number | null;
}

/** How long a confirmed patch may stand in for the server's change that has not arrived yet (ms). */
export const CONFIRMED_OVERLAY_MS = 10_000;

export interface OverlayHandle {
  /** Drop the patch (the write failed); the previous patch, if any, shows again. */
  rollback(): void;
  /** The write succeeded: keep showing the patch until the server's change arrives, or a read after {@link CONFIRMED_OVERLAY_MS}. */
  confirm(): void;
}

export class Overlays {
  readonly #byKey = new Map<string, Overlay>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * @param changed called whenever what the overlays show changes
   * @param lapsed called when a confirmed patch's change did not arrive within
   *   {@link CONFIRMED_OVERLAY_MS}: read the rows again (the patch is dropped when a read lands);
   *   without it, the patch is dropped then
   */
  constructor(
    private readonly changed: () => void,
    private readonly now: () => number = Date.now,
    private readonly lapsed?: () => void,
  ) {}

  get size(): number {
    return this.#byKey.size;
  }

  add(row: StoreRow, patch: Record<string, unknown>): OverlayHandle {
    const key = rowKey(row)!;
    const overlay: Overlay = { patch, baseVersion: versionOf(row), expiresAt: null };
    const previous = this.#byKey.get(key);
    this.#byKey.set(key, overlay);
    this.changed();
    return {
      rollback: () => {
        if (this.#byKey.get(key) !== overlay) return;
        if (previous) this.#byKey.set(key, previous);
        else this.#byKey.delete(key);
        this.changed();
      },
      confirm: () => {
        overlay.expiresAt = this.now() + CONFIRMED_OVERLAY_MS;
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          if (this.#byKey.get(key) !== overlay) return;
          if (this.lapsed) return this.lapsed();
          this.#byKey.delete(key);
          this.changed();
        }, CONFIRMED_OVERLAY_MS + 50);
        this.#timers.add(timer);
      },
    };
  }

  /** A held row changed or went away: drop its patch when the server's version is newer (or always). */
  settle(key: string, row: StoreRow | null): void {
    const o = this.#byKey.get(key);
    if (o && (!row || versionOf(row) > o.baseVersion)) this.#byKey.delete(key);
  }

  /** Drop patches whose rows are gone, superseded by a newer version, or past their expiry. */
  expire(rowOf: (key: string) => StoreRow | undefined): void {
    const now = this.now();
    for (const [key, o] of this.#byKey) {
      const row = rowOf(key);
      if (!row || versionOf(row) > o.baseVersion || (o.expiresAt !== null && o.expiresAt <= now)) this.#byKey.delete(key);
    }
  }

  /** The rows with their patches applied (same array when there are none). */
  apply<R extends StoreRow>(rows: R[]): R[] {
    if (!this.#byKey.size) return rows;
    return rows.map((r) => {
      const o = this.#byKey.get(rowKey(r)!);
      return o ? ({ ...r, ...o.patch } as R) : r;
    });
  }

  dispose(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

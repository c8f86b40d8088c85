/**
 * Shared by the render bench's baseline pages (React, floor). What the render bench's driver (bench/render.ts) writes into a baseline page (React, floor) as
 * `window.__BENCH_CFG` before the page's module runs.
 */
export interface BenchCfg {
  /** The local backend's URL (REST, Auth and the Realtime socket). */
  url: string;
  anonKey: string;
  /** The user the page signs in as (supabase-js auth, email + password). */
  email: string;
  password: string;
  /** The streams the page shows, one card each. */
  streamIds: string[];
}

declare global {
  interface Window {
    __BENCH_CFG: BenchCfg;
  }
}

/** The page's configuration, as the driver wrote it. */
export const benchCfg = (): BenchCfg => window.__BENCH_CFG;

/** The cards' "Updated N s ago" text (`at`: ms since the epoch, null when never updated). */
export function updatedAgo(at: number | null, now: number): string {
  if (at == null) return 'Never updated';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `Updated ${s} s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `Updated ${m} min ago` : `Updated ${Math.round(m / 60)} h ago`;
}

/**
 * What the render bench's driver (bench/render.ts) writes into a baseline page (React, floor) as
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

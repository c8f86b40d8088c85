export const DEFAULT_BUDGET_KB: number;
export const ONE_WIDGET_BUDGET_KB: number;
export const NOT_ONE_WIDGET: string[];
export const LOADER_DIR: string;
export function sizesOf(buffer: Uint8Array): { raw: number; gzip: number; brotli: number };
export function breakdown(code: string, map: { mappings: string; sources: string[] }): Array<[string, number]>;
export function loaderSets(dir?: string): Record<string, { firstPaint: string[]; live: string[] }>;
export function brotliSum(files: string[], dir?: string): number;

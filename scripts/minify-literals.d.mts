import type { Plugin } from 'vite';
export function minifyCssChunk(raw: string, first?: boolean, last?: boolean): string;
export function minifyHtmlChunk(raw: string, first?: boolean, last?: boolean): string;
export function minifyLiterals(code: string, id?: string): { code: string; map: { mappings: string } & Record<string, unknown> } | null;
export function minifyLiteralsPlugin(): Plugin;

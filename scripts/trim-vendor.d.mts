import type { Plugin } from 'vite';
export function trimVendor(code: string, id: string, warn?: (message: string) => void): { code: string; map: unknown } | null;
export function trimVendorPlugin(): Plugin;

/**
 * The installed `iapeer` command: turns on the compile cache for iapeer's bundles, then
 * runs the entry point. Built to CommonJS as dist/cli.cjs, so `__dirname` and `require`
 * are the bundle's own.
 */
import Module from 'node:module';
import { join } from 'node:path';
import { installCompileCache } from './compile-cache.js';

const cacheDir = join(__dirname, '.compile-cache');
const builtIn = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
if (typeof builtIn === 'function') builtIn(cacheDir);
else installCompileCache(__dirname, cacheDir);
// A require, not an import: an import would be hoisted and load main before the cache is on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./main.cjs');

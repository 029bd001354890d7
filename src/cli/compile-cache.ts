import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join, relative } from 'node:path';
import { Script } from 'node:vm';

interface CompilingModule {
  exports: unknown;
  _compile: (this: CompilingModule, content: string, filename: string) => unknown;
}

/**
 * A V8 code cache for iapeer's own bundles, so that a command does not parse and compile
 * the same code on every run: the difference between `iapeer list` meeting its start-up
 * budget or not. Node ≥ 22.1 has this built in (module.enableCompileCache), and the entry
 * point uses that where it exists; this is the same for Node 20. Only files under `root`
 * are affected. The cache sits beside the bundles, which are as trusted as the cache; if
 * it cannot be written, nothing is cached. V8 rejects data from another source text or
 * V8 version, and the file is then rewritten. V8 accepts data compiled under another file
 * name, though, and stacks then name that file: a copied or moved dist would point at its
 * old place, so the entries are keyed by where the bundles are.
 */
export function installCompileCache(root: string, cacheDir: string): void {
  const proto = Module.prototype as unknown as CompilingModule;
  const original = proto._compile;
  const place = hashOf(root);
  proto._compile = function compileWithCache(this: CompilingModule, content: string, filename: string): unknown {
    if (!filename.startsWith(root)) return original.call(this, content, filename);
    const { size, mtimeMs } = statSync(filename);
    const cacheFile = join(cacheDir, `${relative(root, filename).replace(/[/\\]/g, '_')}.${place}-${size}-${Math.trunc(mtimeMs)}.v8`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    // A shebang line is not JavaScript inside the function wrapper; keep the line count.
    const source = content.startsWith('#!') ? `//${content}` : content;
    const script = new Script(Module.wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData || script.cachedDataRejected === true) {
      // After the run, so that the functions compiled along the way are in the cache too.
      process.once('exit', () => writeCache(cacheDir, cacheFile, script));
    }
    const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, join(filename, '..'));
  };
}

function writeCache(cacheDir: string, cacheFile: string, script: Script): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cacheFile);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

/** FNV-1a, 32 bits, in hex: a name for a path, without loading node:crypto at start-up. */
function hashOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

import { iapeerCliPath } from '../../runtimes/builtin-runtimes.js';
import type { Verb } from '../context-from-env.js';
import { requireTerminal } from '../terminal.js';
import { glyphsFor } from '../top/glyphs.js';
import { verbsOf } from '../top/top-actions.js';
import { runTop } from '../top/top-app.js';

export async function top(_options: Record<string, never>, { ctx, io }: Verb): Promise<number> {
  requireTerminal(io, 'top');
  return runTop({
    ctx,
    stdin: process.stdin,
    stdout: process.stdout,
    glyphs: glyphsFor(ctx.childEnv),
    color: !ctx.config.noColor,
    verbs: verbsOf({ nodeBin: ctx.nodeBin, cliPath: iapeerCliPath(), env: ctx.childEnv }),
  });
}

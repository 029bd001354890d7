import type { CheckStatus, DoctorReport } from '../../lifecycle/doctor/doctor-checks.js';
import { runDoctor } from '../../lifecycle/doctor/run-doctor.js';
import { type VerbInput, ioOf } from '../context-from-env.js';
import type { Io } from '../io.js';
import { colorizer, printJson, printLine, shown } from '../output.js';

// ASCII marks: launchd, cron and bare terminals may have no UTF-8 locale.
const MARKS: Readonly<Record<CheckStatus, readonly [string, number]>> = { ok: ['ok  ', 32], warn: ['WARN', 33], fail: ['FAIL', 31] };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line per check, then a count; exit 1 when any check failed. */
function render(report: DoctorReport, json: boolean, io: Io, noColor: boolean): number {
  const exitCode = report.ok ? 0 : 1;
  if (json) {
    printJson(io, report);
    return exitCode;
  }
  const paint = colorizer(io, noColor);
  for (const check of report.checks) {
    const [mark, colour] = MARKS[check.status];
    const fix = check.fix === undefined ? '' : `; to fix: ${check.fix}`;
    printLine(io, `${paint(colour, mark)} ${shown(check.name)}: ${shown(check.detail + fix)}`);
  }
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  printLine(io, `${plural(count('fail'), 'failure')}, ${plural(count('warn'), 'warning')}, ${count('ok')} ok`);
  return exitCode;
}

/**
 * Doctor straight from what the entry point knows, before the environment is validated:
 * an invalid variable is then one of its findings instead of an error that stops it.
 */
export async function doctorOnInput(options: { readonly json: boolean }, input: VerbInput): Promise<number> {
  const io = ioOf(input);
  const report = await runDoctor({ env: input.env, homeDir: input.homeDir, nodeBin: input.nodeBin });
  return render(report, options.json, io, (input.env['NO_COLOR'] ?? '') !== '');
}

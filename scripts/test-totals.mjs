// The `N passed, N failed[, N skipped]` line every vitest run ends with (the summary
// reporter, test/summary-reporter.ts), and the total of several: `.ci/run` has each suite append
// its line to the file named by IAPEER_TEST_TOTALS and ends with
// `node scripts/test-totals.mjs <that file>`, because CI reads only the last line of the output.
// That prints the total as its last line and exits 1 if a test failed or no run was recorded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @typedef {{ passed: number; failed: number; skipped: number }} Counts */

const LINE = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;

/** @param {Counts} counts */
export function summaryLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/**
 * The sum of the summary lines in `text`, one per line; blank lines are ignored, anything else
 * is an error (the file is written only by the reporter).
 * @param {string} text
 * @returns {Counts & { runs: number }}
 */
export function sumSummaries(text) {
  const total = { passed: 0, failed: 0, skipped: 0, runs: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line.trim());
    if (match === null) throw new Error(`not a summary line: ${JSON.stringify(line)}`);
    total.passed += Number(match[1]);
    total.failed += Number(match[2]);
    total.skipped += Number(match[3] ?? 0);
    total.runs += 1;
  }
  return total;
}

/**
 * @param {string | undefined} file
 * @returns {number} the exit code
 */
function main(file) {
  if (file === undefined) {
    process.stderr.write('usage: node scripts/test-totals.mjs <file of summary lines>\n');
    return 2;
  }
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ENOENT') throw error;
  }
  const total = sumSummaries(text);
  if (total.runs === 0) process.stderr.write(`test-totals: no test run recorded in ${file}\n`);
  process.stdout.write(`${summaryLine(total)}\n`);
  return total.failed > 0 || total.runs === 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv[2]);

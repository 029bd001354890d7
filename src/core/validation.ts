import * as z from 'zod/mini';
// The English messages only: `z.locales` would bundle every language.
import en from 'zod/v4/locales/en.js';

z.config({ ...en(), jitless: true });

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** One line naming where each problem is, e.g. `peers.0.cwd: expected an absolute path`. */
export function describeIssues(issues: readonly Issue[], limit = 3): string {
  const lines = issues.slice(0, limit).map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  if (issues.length > limit) lines.push(`and ${issues.length - limit} more`);
  return lines.join('; ');
}

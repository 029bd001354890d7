/**
 * The README's examples, as test/integration/docs/readme-examples.test.ts runs them (the rule is
 * stated there and in the README's Development section):
 *
 * - A fenced block whose info string is `sh`, `bash`, `shell` or `console` holds commands; any
 *   other block (no info string, `text`, `json`) is output or a file and is never run.
 * - In a block with `$ ` prompts, each `$ ` line is a command and the lines under it, up to the
 *   next prompt, are its output as shown. Without prompts every line is a command, but for
 *   comment lines; a comment line that opens with `{` or `[` right under a command is that
 *   command's output as shown (JSON, `…` for what varies).
 * - A trailing `# comment` that opens with `{` or `[` is the shape of the command's JSON output;
 *   one that says `(exit N)` is its exit status (else 0, or non-zero when its shown output is an
 *   `iapeer: …` error line). A line that ends in `\` goes on on the next one.
 * - An example belongs to the section of the nearest heading above it.
 */

export interface ReadmeBlock {
  readonly section: string;
  /** 1-based line number of the opening fence. */
  readonly line: number;
  readonly info: string;
  readonly lines: readonly string[];
}

export interface Example {
  readonly section: string;
  /** 1-based README line number of the command. */
  readonly line: number;
  /** The command as written, comment included: what the shell runs. */
  readonly text: string;
  /** The command without its trailing comment, blanks squeezed: what the tables match. */
  readonly command: string;
  readonly comment: string | undefined;
  /** Text output shown under a `$ ` prompt. */
  readonly shownLines: readonly string[];
  /** JSON shown (or its shape) in a comment beside or under the command. */
  readonly shownJson: string | undefined;
  readonly expectedExit: number | 'non-zero';
}

export interface Section {
  readonly title: string;
  readonly examples: readonly Example[];
}

const COMMAND_INFO = new Set(['sh', 'bash', 'shell', 'console']);

export function isCommandBlock(block: ReadmeBlock): boolean {
  return COMMAND_INFO.has(block.info);
}

/** Headings as their text, with the HTML entities the README uses decoded. */
function headingText(raw: string): string {
  return raw
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = markdown.split('\n');
  let section = '(top)';
  let open: { fence: string; info: string; line: number; lines: string[] } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, '') === '') {
        blocks.push({ section, line: open.line, info: open.info, lines: open.lines });
        open = undefined;
      } else open.lines.push(line);
      return;
    }
    // As in CommonMark, a backtick fence's info string holds no backtick: ```` ```sh ```` is inline code.
    const fence = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    const [, marks = '', rest = ''] = fence ?? [];
    if (fence && !(marks.startsWith('`') && rest.includes('`'))) {
      open = { fence: marks, info: (rest.trim().split(/\s/)[0] ?? '').toLowerCase(), line: index + 1, lines: [] };
      return;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) section = headingText(heading[1] ?? '');
  });
  if (open) throw new Error(`README line ${open.line}: a fenced block is never closed`);
  return blocks;
}

/**
 * Splits a shell line at its trailing comment: a `#` that starts a word outside quotes.
 * Returns the words too (unquoted), for finding the paths an example names.
 */
export function splitShellLine(text: string): { command: string; comment: string | undefined; words: string[] } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) word = (word ?? '') + (text[++i] ?? '');
      else word = (word ?? '') + char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\' && i + 1 < text.length) word = (word ?? '') + (text[++i] ?? '');
    else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '#' && word === undefined) {
      return { command: squeeze(text.slice(0, i)), comment: text.slice(i + 1).trim(), words };
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return { command: squeeze(text), comment: undefined, words };
}

function squeeze(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function isJsonShown(text: string | undefined): text is string {
  return text !== undefined && /^[[{]/.test(text);
}

function expectedExitOf(comment: string | undefined, shownLines: readonly string[]): number | 'non-zero' {
  const stated = /\(exit (\d+)\)/.exec(comment ?? '');
  if (stated) return Number(stated[1]);
  return shownLines.some((line) => line.startsWith('iapeer: ')) ? 'non-zero' : 0;
}

interface RawCommand {
  line: number;
  text: string;
  shownLines: string[];
  shownJson: string | undefined;
}

/** A block's commands, continuation lines joined, each with what is shown of its output. */
function commandsOf(block: ReadmeBlock): RawCommand[] {
  const prompted = block.lines.some((line) => line.startsWith('$ '));
  const commands: RawCommand[] = [];
  let previous: RawCommand | undefined;
  let continued: RawCommand | undefined;
  block.lines.forEach((line, index) => {
    const number = block.line + 1 + index;
    if (continued) {
      continued.text = `${continued.text.slice(0, -1)}${line.trim()}`;
      if (!continued.text.endsWith('\\')) continued = undefined;
      return;
    }
    if (prompted && !line.startsWith('$ ')) {
      if (previous && line.trim() !== '') previous.shownLines.push(line.trimEnd());
      return;
    }
    const text = (prompted ? line.slice(2) : line).trim();
    if (text === '') return;
    if (text.startsWith('#')) {
      const shown = text.slice(1).trim();
      if (previous && previous.shownJson === undefined && isJsonShown(shown)) previous.shownJson = shown;
      return;
    }
    previous = { line: number, text, shownLines: [], shownJson: undefined };
    commands.push(previous);
    if (text.endsWith('\\')) continued = previous;
  });
  return commands;
}

export function readmeSections(markdown: string): Section[] {
  const sections = new Map<string, Example[]>();
  for (const block of readmeBlocks(markdown).filter(isCommandBlock)) {
    for (const raw of commandsOf(block)) {
      const { command, comment } = splitShellLine(raw.text);
      const example: Example = {
        section: block.section,
        line: raw.line,
        text: raw.text,
        command,
        comment,
        shownLines: raw.shownLines,
        shownJson: raw.shownJson ?? (isJsonShown(comment) ? comment : undefined),
        expectedExit: expectedExitOf(comment, raw.shownLines),
      };
      sections.set(block.section, [...(sections.get(block.section) ?? []), example]);
    }
  }
  return [...sections].map(([title, examples]) => ({ title, examples }));
}

/**
 * Lines of a block that is not marked as commands but reads like one (a `$ ` prompt, or a line
 * that starts with `iapeer ` and a verb's flags): such a block would silently go unchecked.
 */
export function unmarkedCommands(markdown: string): Array<{ line: number; text: string }> {
  const found: Array<{ line: number; text: string }> = [];
  for (const block of readmeBlocks(markdown)) {
    if (isCommandBlock(block) || block.info !== '') continue;
    block.lines.forEach((line, index) => {
      if (/^\$ |^iapeer [a-z]/.test(line)) found.push({ line: block.line + 1 + index, text: line });
    });
  }
  return found;
}

/**
 * The paths an example names that a reader would already have: `~/…` (a directory, or a file
 * when it has an extension) and files in the current directory (`./diff.patch`, `notes.md`).
 * Globs are left alone.
 */
export function namedPaths(example: Example): Array<{ path: string; kind: 'dir' | 'file' }> {
  const paths: Array<{ path: string; kind: 'dir' | 'file' }> = [];
  for (const word of splitShellLine(example.text).words) {
    if (/[*?[\]$`]/.test(word)) continue;
    if (/^~\/[\w./-]+$/.test(word)) paths.push({ path: word.slice(2), kind: /\.[A-Za-z]\w{0,7}$/.test(word) ? 'file' : 'dir' });
    else if (/^\.\/[\w./-]+$/.test(word) || /^[A-Za-z_][\w-]*\.[A-Za-z]\w{0,7}$/.test(word)) paths.push({ path: word, kind: 'file' });
  }
  return paths;
}

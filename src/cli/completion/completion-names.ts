// Imported by program.ts too: this module imports nothing, so the entry bundle stays small.

/** The shells `iapeer completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The words the script asks iapeer for at a TAB (`iapeer completion <shell> --words <source>`). */
export const WORD_SOURCES = ['peers', 'identities', 'targets', 'runtimes', 'hosts'] as const;
export type WordSource = (typeof WORD_SOURCES)[number];

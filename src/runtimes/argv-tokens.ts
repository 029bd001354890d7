/**
 * Written into a runtime's argv, replaced at spawn by the session's values, JSON-escaped
 * (so they fit inside JSON and TOML strings): `@PEER_IDENTITY@`, `@IAPEER_HOME@`, `@IAPEER_SOCK_DIR@`.
 */
export const ARGV_TOKENS = ['PEER_IDENTITY', 'IAPEER_HOME', 'IAPEER_SOCK_DIR'] as const;

/** `@SESSION_ID@` in a user runtime's argv: the session id iapeer chose or recorded. */
export const SESSION_ID_TOKEN = '@SESSION_ID@';

export type TokenValues = Readonly<Partial<Record<(typeof ARGV_TOKENS)[number] | 'SESSION_ID', string>>>;

/** One pass over each argument: a value put in is never itself searched for tokens. Tokens without a value stay. */
export function substituteTokens(argv: readonly string[], values: TokenValues): string[] {
  return argv.map((arg) =>
    arg.replace(/@(PEER_IDENTITY|IAPEER_HOME|IAPEER_SOCK_DIR|SESSION_ID)@/g, (token, name: keyof TokenValues) => {
      const value = values[name];
      return value === undefined ? token : JSON.stringify(value).slice(1, -1);
    }),
  );
}

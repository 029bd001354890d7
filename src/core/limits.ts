/** A message body, initial prompt or handoff: at most 256 KiB (README, "Messages"). */
export const MAX_TEXT_BYTES = 256 * 1024;

/** The longest idle timeout, for the environment and for a peer alike: one year. */
export const MAX_IDLE_TIMEOUT_SEC = 31_536_000;

/** A message's topic: 1 to this many characters, the same for the CLI and the MCP tool. */
export const MAX_TOPIC_CHARS = 64;

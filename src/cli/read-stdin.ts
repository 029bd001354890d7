/**
 * Standard input as text, read until it ends or passes `limit` bytes (then a little more than
 * the limit is returned, for the caller's own size check to refuse).
 */
export async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    chunks.push(buffer);
    if (size > limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

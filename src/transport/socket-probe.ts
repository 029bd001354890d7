import { connect } from 'node:net';

/**
 * True when a server accepts connections on the unix socket. One connect() costs
 * microseconds, against milliseconds for a tmux client process, which is what makes
 * `list` over a large fleet fast.
 */
export function probeSocket(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

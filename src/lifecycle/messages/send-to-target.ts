import type { AppContext } from '../context/app-context.js';
import { type SendInput, type SendResult, sendMessage } from './send-message.js';
import { isOnAnotherHost, sendToHost } from './send-to-host.js';

/** One message to one target: a peer here (sendMessage), or one on another host, `boris@build` (sendToHost). */
export function sendToTarget(ctx: AppContext, input: SendInput): Promise<SendResult> {
  return isOnAnotherHost(input.target) ? sendToHost(ctx, input) : sendMessage(ctx, input);
}

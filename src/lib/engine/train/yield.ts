/**
 * Resolves on the next macrotask. A training loop awaits this every few milliseconds so that
 * messages to the worker (stop, settings) are handled; an awaited resolved promise is not enough.
 * One MessageChannel is reused (works in workers, pages and Node).
 */
let channel: MessageChannel | undefined;
const waiting: Array<() => void> = [];

export function nextMacrotask(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    // Do not keep a Node process alive just for this channel.
    (channel.port1 as unknown as { unref?: () => void }).unref?.();
    (channel.port2 as unknown as { unref?: () => void }).unref?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}

/**
 * An MCP {@link Transport} over a `MessagePort` (one end of a `MessageChannel` shared
 * with a Web Worker). JSON-RPC messages travel as structured-clone objects, with no
 * JSON encoding on the way; like the SDK's `InMemoryTransport`, messages are handed
 * to `onmessage` as they arrive.
 *
 * Closing one end tells the other (a `{close: true}` message), so the MCP client's
 * calls in flight fail as a closed connection instead of waiting for their timeout.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/shared/transport"
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** The message that tells the other end the channel is closing. */
const CLOSE = { close: true } as const;

function isClose(data: unknown): boolean {
  return typeof data === "object" && data !== null &&
    (data as { close?: unknown }).close === true &&
    !("jsonrpc" in data);
}

/** An MCP transport over one end of a `MessageChannel`. */
export class PortTransport implements Transport {
  readonly #port: MessagePort;
  #closed = false;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  /** Wraps `port`; messages flow once {@link start} is called (the SDK calls it). */
  constructor(port: MessagePort) {
    this.#port = port;
  }

  /** Starts receiving messages. */
  start(): Promise<void> {
    this.#port.onmessage = (e: MessageEvent) => {
      if (isClose(e.data)) {
        this.#finish();
        return;
      }
      this.onmessage?.(e.data as JSONRPCMessage);
    };
    this.#port.onmessageerror = () => {
      this.onerror?.(new Error("A message from the other end of the channel could not be read"));
    };
    return Promise.resolve();
  }

  /** Posts `message` to the other end (structured clone). */
  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("Not connected"));
    try {
      this.#port.postMessage(message);
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve();
  }

  /** Closes both ends of the channel. */
  close(): Promise<void> {
    if (!this.#closed) {
      try {
        this.#port.postMessage(CLOSE);
      } catch {
        // The other end is gone already.
      }
    }
    this.#finish();
    return Promise.resolve();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.onmessage = null;
    this.#port.onmessageerror = null;
    this.#port.close();
    this.onclose?.();
  }
}

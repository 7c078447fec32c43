/**
 * The data client the agent queries. There is one opener, `lib/data/open_client.ts`;
 * this module re-exports it for the agent's callers, with the lazy client that opens it in
 * the background (`lib/data/lazy_client.ts`, used on Deno Deploy).
 *
 * @module
 */
export { openDataClient, type OpenDataClientOptions } from "../data/open_client.ts";
export {
  type LazyDataClient,
  type LazyDataClientOptions,
  openLazyDataClient,
} from "../data/lazy_client.ts";

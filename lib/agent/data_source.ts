/**
 * The data client the agent queries. There is one opener, `lib/data/open_client.ts`;
 * this module re-exports it for the agent's callers.
 *
 * @module
 */
export { openDataClient, type OpenDataClientOptions } from "../data/open_client.ts";

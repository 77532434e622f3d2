/** Type declarations for dynalite (it ships none): the subset the local run uses. */
declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** LevelDB directory for persistence; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }

  /** An http.Server speaking the DynamoDB API (not yet listening). */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}

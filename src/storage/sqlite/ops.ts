/** Every store operation the embedded store's executors can run, by name. */
import { functionOps } from "./function-ops.js";
import { mappingOps } from "./mapping-ops.js";
import { messageOps } from "./message-ops.js";
import { moveOps } from "./move-ops.js";
import { queueOps } from "./queue-ops.js";

export const sqliteOps = { ...queueOps, ...messageOps, ...moveOps, ...functionOps, ...mappingOps } as const;
export type SqliteOps = typeof sqliteOps;

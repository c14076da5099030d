/** Every store operation the embedded store's executors can run, by name. */
import { bucketOps } from "./bucket-ops.js";
import { checkpointOps } from "./checkpoint-ops.js";
import { functionOps } from "./function-ops.js";
import { mappingOps } from "./mapping-ops.js";
import { messageOps } from "./message-ops.js";
import { moveOps } from "./move-ops.js";
import { queueOps } from "./queue-ops.js";
import { streamOps } from "./stream-ops.js";
import { tableOps } from "./table-ops.js";
import { tableReadOps } from "./table-read-ops.js";
import { tableWriteOps } from "./table-write-ops.js";

export const sqliteOps = { ...queueOps, ...messageOps, ...moveOps, ...functionOps, ...mappingOps, ...checkpointOps, ...streamOps, ...bucketOps, ...tableOps, ...tableWriteOps, ...tableReadOps } as const;
export type SqliteOps = typeof sqliteOps;

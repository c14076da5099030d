/**
 * DynamoDB's data model as Sluice keeps it. Items are maps of AttributeValues in the
 * wire's JSON form (binary as base64 text), so every type round-trips as sent.
 */

export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly L: readonly AttributeValue[] }
  | { readonly NULL: true }
  | { readonly BOOL: boolean };

export type Item = Readonly<Record<string, AttributeValue>>;

/** Key attributes may only be strings, numbers or binary. */
export const ScalarType = { S: "S", N: "N", B: "B" } as const;
export type ScalarType = (typeof ScalarType)[keyof typeof ScalarType];

export interface KeySchema {
  readonly hash: { readonly name: string; readonly type: ScalarType };
  readonly range: { readonly name: string; readonly type: ScalarType } | null;
}

export const ProjectionType = { All: "ALL", KeysOnly: "KEYS_ONLY", Include: "INCLUDE" } as const;
export type ProjectionType = (typeof ProjectionType)[keyof typeof ProjectionType];

export interface IndexDefinition {
  readonly name: string;
  readonly kind: "global" | "local";
  readonly key: KeySchema;
  readonly projection: { readonly type: ProjectionType; readonly attributes: readonly string[] };
  /** Provisioned throughput of a global index, when the table is provisioned. */
  readonly throughput: Throughput | null;
  readonly createdAt: number;
}

export interface Throughput {
  readonly read: number;
  readonly write: number;
}

export const StreamViewType = {
  KeysOnly: "KEYS_ONLY",
  NewImage: "NEW_IMAGE",
  OldImage: "OLD_IMAGE",
  NewAndOldImages: "NEW_AND_OLD_IMAGES",
} as const;
export type StreamViewType = (typeof StreamViewType)[keyof typeof StreamViewType];

export interface TableStream {
  readonly viewType: StreamViewType;
  /** The stream label (an ISO timestamp), part of the stream's ARN. */
  readonly label: string;
  /** The stream store's id of the stream holding the change records. */
  readonly streamId: number;
  /** The stream store's name of that stream. */
  readonly streamName: string;
  /** Its shard count (fixed at creation; an item's records go to the shard of its partition key). */
  readonly shards: number;
}

export const BillingMode = { PayPerRequest: "PAY_PER_REQUEST", Provisioned: "PROVISIONED" } as const;
export type BillingMode = (typeof BillingMode)[keyof typeof BillingMode];

export interface TableDefinition {
  /** The table's unique id (DynamoDB's TableId, a UUID). */
  readonly tableId: string;
  readonly arn: string;
  readonly key: KeySchema;
  /** Every attribute named by a key schema, with its type. */
  readonly attributes: Readonly<Record<string, ScalarType>>;
  readonly billing: BillingMode;
  readonly throughput: Throughput | null;
  readonly indexes: readonly IndexDefinition[];
  /** The current stream, if enabled. */
  readonly stream: TableStream | null;
  /** The latest stream, kept after it is disabled so DescribeTable can still name it. */
  readonly latestStream: { readonly label: string; readonly arn: string; readonly viewType: StreamViewType } | null;
  readonly ttl: { readonly attribute: string; readonly enabled: boolean } | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly deletionProtection: boolean;
  readonly tableClass: string;
}

/**
 * The records buckets keep. Terms: a *bucket* is a named (globally unique) container
 * owned by one account; an *object* is the bytes stored under a *key* (any UTF-8 string
 * up to 1024 bytes — data, never a path) with its metadata and *ETag*; the bytes live in
 * *blobs* (files named by generated ids, see blobs.ts), one per *segment*: a single PUT
 * has one segment, a completed multipart *upload* keeps each *part* as a segment.
 * Buckets are not versioned (no version ids). Times are epoch milliseconds.
 */

/** Where an object's or part's bytes live: a blob id and its length. */
export interface Segment {
  readonly blob: string;
  readonly size: number;
}

/** A checksum S3 computes over the whole object (`x-amz-checksum-*`). */
export interface Checksum {
  /** CRC32, CRC32C, CRC64NVME, SHA1 or SHA256. */
  readonly algorithm: string;
  /** Base64 of the digest; composite (multipart) values end in "-N". */
  readonly value: string;
}

export interface BucketRecord {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly createdAt: number;
  /** The notification configuration, as JSON of `NotificationConfig`; null when none. */
  readonly notification: NotificationConfig | null;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Without quotes: MD5 hex, or MD5-of-MD5s hex + "-N" for a multipart object. */
  readonly etag: string;
  readonly lastModified: number;
  /** Stored response headers (content-type, cache-control…, x-amz-meta-*), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly checksum: Checksum | null;
  readonly segments: readonly Segment[];
}

export interface UploadRecord {
  readonly id: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The checksum algorithm named at CreateMultipartUpload, if any. */
  readonly checksumAlgorithm: string | null;
}

export interface PartRecord {
  readonly uploadId: string;
  readonly number: number;
  readonly size: number;
  /** MD5 hex, without quotes. */
  readonly etag: string;
  readonly lastModified: number;
  readonly blob: string;
  readonly checksum: Checksum | null;
}

/** A filter rule: S3 knows "prefix" and "suffix" (names are case-insensitive on input). */
export interface FilterRule {
  readonly name: "prefix" | "suffix";
  readonly value: string;
}

export const TargetKind = { Queue: "queue", Function: "function" } as const;
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind];

/** One destination of a notification configuration. */
export interface NotificationTarget {
  readonly id: string;
  readonly kind: TargetKind;
  readonly arn: string;
  readonly events: readonly string[];
  readonly rules: readonly FilterRule[];
}

export interface NotificationConfig {
  readonly targets: readonly NotificationTarget[];
}

/** A notification to deliver, written in the same transaction as the change it reports. */
export interface NewEvent {
  readonly kind: TargetKind;
  readonly target: string;
  /** The message (S3 event JSON) as delivered. */
  readonly body: string;
}

export interface PendingEvent extends NewEvent {
  readonly id: number;
  /** Delivery attempts made before this claim. */
  readonly attempts: number;
}

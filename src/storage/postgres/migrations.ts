/**
 * The PostgreSQL schema, as numbered migrations (the same tables as the embedded
 * store's). Append new ones; never edit one that has shipped. Times are epoch
 * milliseconds from the injected Clock, never `now()`. Names sort with the "C"
 * collation so listing and pagination order is byte order, as on SQLite.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "queues",
    sql: `
      CREATE TABLE queues (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        fifo BOOLEAN NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        retention_ms BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        purged_at BIGINT NOT NULL DEFAULT 0,
        UNIQUE (account, name)
      );

      CREATE TABLE deleted_queues (
        account TEXT NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        deleted_at BIGINT NOT NULL,
        PRIMARY KEY (account, name)
      );

      -- seq comes from a sequence and never repeats: receipt handles and FIFO sequence
      -- numbers rely on it. Within a FIFO group, seq order is commit order (see send-ops.ts).
      CREATE TABLE messages (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        queue_id BIGINT NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        attrs TEXT,
        sys_attrs TEXT,
        md5_body TEXT NOT NULL,
        md5_attrs TEXT,
        md5_sys TEXT,
        sender_id TEXT NOT NULL,
        sent_at BIGINT NOT NULL,
        enqueued_at BIGINT NOT NULL,
        visible_at BIGINT NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_receive_at BIGINT,
        received_at BIGINT,
        group_id TEXT,
        dedup_id TEXT,
        source_arn TEXT
      );
      CREATE INDEX messages_by_visibility ON messages (queue_id, visible_at);
      CREATE INDEX messages_by_age ON messages (queue_id, enqueued_at);
      CREATE INDEX messages_by_group ON messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;

      -- One row per FIFO message group that has messages: its oldest message and until
      -- when it is blocked by messages in flight. Receivers claim groups by locking
      -- these rows (SKIP LOCKED); every writer of a group's messages locks it first.
      CREATE TABLE fifo_groups (
        queue_id BIGINT NOT NULL,
        group_id TEXT NOT NULL,
        head_seq BIGINT NOT NULL,
        blocked_until BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (queue_id, group_id)
      );
      CREATE INDEX fifo_groups_by_head ON fifo_groups (queue_id, head_seq);

      CREATE TABLE dedup (
        queue_id BIGINT NOT NULL,
        scope TEXT NOT NULL,
        dedup_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (queue_id, scope, dedup_id)
      );
      CREATE INDEX dedup_by_expiry ON dedup (expires_at);

      CREATE TABLE receive_attempts (
        queue_id BIGINT NOT NULL,
        attempt_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        handles TEXT NOT NULL,
        PRIMARY KEY (queue_id, attempt_id)
      );
      CREATE INDEX receive_attempts_by_expiry ON receive_attempts (expires_at);

      CREATE TABLE move_tasks (
        handle TEXT PRIMARY KEY,
        ord BIGINT GENERATED ALWAYS AS IDENTITY,
        source_queue_id BIGINT NOT NULL,
        source_arn TEXT NOT NULL,
        destination_arn TEXT,
        rate INTEGER,
        status TEXT NOT NULL,
        to_move BIGINT NOT NULL,
        moved BIGINT NOT NULL DEFAULT 0,
        max_seq BIGINT NOT NULL,
        started_at BIGINT NOT NULL,
        failure_reason TEXT
      );
      CREATE INDEX move_tasks_by_source ON move_tasks (source_queue_id, started_at);
      -- At most one active task per source queue, even when two processes start one at once.
      CREATE UNIQUE INDEX move_tasks_one_active ON move_tasks (source_queue_id)
        WHERE status IN ('RUNNING', 'CANCELLING');
    `,
  },
  {
    version: 2,
    name: "functions and event source mappings",
    sql: `
      -- Records are kept as JSON text, not jsonb, so they come back exactly as written
      -- (key order of tags and environment; escaped NUL characters, which jsonb refuses).
      CREATE TABLE functions (
        account TEXT NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        record TEXT NOT NULL,
        revision_id TEXT NOT NULL,
        PRIMARY KEY (account, name)
      );

      -- The deployment package the function's record names (at most one per function).
      CREATE TABLE function_code (
        account TEXT NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        sha256 TEXT NOT NULL,
        zip BYTEA NOT NULL,
        PRIMARY KEY (account, name, sha256),
        FOREIGN KEY (account, name) REFERENCES functions (account, name) ON DELETE CASCADE
      );
      -- Zips are compressed already: store them out of line without compressing again.
      ALTER TABLE function_code ALTER COLUMN zip SET STORAGE EXTERNAL;

      -- One mapping per (function, source), enforced here so concurrent creates in
      -- different processes cannot both succeed.
      CREATE TABLE event_source_mappings (
        uuid TEXT COLLATE "C" PRIMARY KEY,
        account TEXT NOT NULL,
        function_name TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        record TEXT NOT NULL,
        UNIQUE (account, function_name, source_arn)
      );
      CREATE INDEX event_source_mappings_by_account ON event_source_mappings (account, uuid);
    `,
  },
  {
    version: 3,
    name: "streams",
    sql: `
      CREATE TABLE streams (
        id BIGSERIAL PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        arn TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        version BIGINT NOT NULL,
        settings TEXT NOT NULL,
        UNIQUE (account, name)
      );

      -- A put locks the rows of the shards it writes, so each shard's counter is taken
      -- and committed in order; end_counter is set when the shard closes.
      CREATE TABLE stream_shards (
        stream_id BIGINT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        parent INTEGER,
        adjacent_parent INTEGER,
        hash_start TEXT NOT NULL,
        hash_end TEXT NOT NULL,
        start_counter BIGINT NOT NULL,
        next_counter BIGINT NOT NULL,
        end_counter BIGINT,
        last_arrival BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        closed_at BIGINT,
        PRIMARY KEY (stream_id, idx)
      );

      CREATE TABLE stream_records (
        stream_id BIGINT NOT NULL,
        shard INTEGER NOT NULL,
        counter BIGINT NOT NULL,
        -- UTF-8 bytes: partition keys may hold NUL, which TEXT refuses.
        partition_key BYTEA NOT NULL,
        data BYTEA NOT NULL,
        explicit_hash_key TEXT,
        arrived_at BIGINT NOT NULL,
        PRIMARY KEY (stream_id, shard, counter)
      );
      CREATE INDEX stream_records_by_arrival ON stream_records (stream_id, shard, arrived_at);
    `,
  },
  {
    version: 4,
    name: "stream mapping checkpoints and shard leases",
    sql: `
      CREATE TABLE mapping_checkpoints (
        uuid TEXT COLLATE "C" NOT NULL,
        shard_id TEXT COLLATE "C" NOT NULL,
        position TEXT,
        done BOOLEAN NOT NULL DEFAULT FALSE,
        window_start BIGINT,
        window_state TEXT,
        owner TEXT,
        lease_until BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (uuid, shard_id)
      );
    `,
  },
  {
    version: 5,
    name: "autovacuum tuned for tables whose rows live for seconds",
    sql: `
      -- The defaults wait for 20% of a table to be dead before vacuuming; a queue table
      -- turns over entirely in seconds, so vacuum after a fixed number of dead rows, unthrottled.
      ALTER TABLE messages SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
        autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0.05);
      ALTER TABLE fifo_groups SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE receive_attempts SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE dedup SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE stream_shards SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE mapping_checkpoints SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
    `,
  },
  {
    version: 6,
    name: "tables",
    sql: `
      CREATE TABLE tables (
        id BIGSERIAL PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        version BIGINT NOT NULL,
        definition TEXT NOT NULL,
        UNIQUE (account, name)
      );

      -- Keys are encoded so bytea order (memcmp) is DynamoDB's key order; sk is empty when
      -- the table has no sort key. segment is the partition key's 32-bit hash (scan order).
      -- Writers serialize per item on advisory locks (see table-write-ops.ts). A btree entry
      -- holds at most about 2.7 kB after compression, so keys near DynamoDB's size limits
      -- fit only when they compress (text does; random binary does not).
      CREATE TABLE table_items (
        table_id BIGINT NOT NULL,
        pk BYTEA NOT NULL,
        sk BYTEA NOT NULL,
        version BIGINT NOT NULL,
        segment BIGINT NOT NULL,
        size INTEGER NOT NULL,
        expires_at BIGINT,
        item TEXT NOT NULL,
        PRIMARY KEY (table_id, pk, sk)
      );
      CREATE INDEX table_items_by_segment ON table_items (table_id, segment, pk, sk);
      CREATE INDEX table_items_by_expiry ON table_items (expires_at) WHERE expires_at IS NOT NULL;

      -- Index entries, each a copy of (part of) the item at (pk, sk) at its version.
      CREATE TABLE table_index_items (
        table_id BIGINT NOT NULL,
        index_name TEXT COLLATE "C" NOT NULL,
        ipk BYTEA NOT NULL,
        isk BYTEA NOT NULL,
        pk BYTEA NOT NULL,
        sk BYTEA NOT NULL,
        segment BIGINT NOT NULL,
        version BIGINT NOT NULL,
        item TEXT NOT NULL,
        PRIMARY KEY (table_id, index_name, ipk, isk, pk, sk)
      );
      CREATE INDEX table_index_items_by_item ON table_index_items (table_id, pk, sk);
      CREATE INDEX table_index_items_by_segment ON table_index_items (table_id, index_name, segment, ipk, isk, pk, sk);

      -- ClientRequestTokens of TransactWriteItems, kept for the idempotency window.
      CREATE TABLE table_tokens (
        account TEXT NOT NULL,
        token TEXT COLLATE "C" NOT NULL,
        fingerprint TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (account, token)
      );
      CREATE INDEX table_tokens_by_age ON table_tokens (created_at);

      -- Every put rewrites its item's row and index entries; items live long, so vacuum at a
      -- small fraction of dead rows rather than the default 20%. Tokens turn over in minutes.
      ALTER TABLE table_items SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE table_index_items SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
      ALTER TABLE table_tokens SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
    `,
  },
  {
    version: 7,
    name: "buckets",
    sql: `
      CREATE TABLE buckets (
        name TEXT COLLATE "C" PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        notification TEXT
      );
      CREATE INDEX buckets_by_account ON buckets (account, name);

      -- Keys are UTF-8 bytes (bytea compares bytewise): listings are in S3's byte order.
      -- segments: JSON [{blob, size}], the files holding the object's bytes in order.
      CREATE TABLE bucket_objects (
        bucket TEXT COLLATE "C" NOT NULL,
        key BYTEA NOT NULL,
        size BIGINT NOT NULL,
        etag TEXT NOT NULL,
        last_modified BIGINT NOT NULL,
        headers TEXT NOT NULL,
        checksum TEXT,
        segments TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
      );

      CREATE TABLE bucket_uploads (
        id TEXT PRIMARY KEY,
        bucket TEXT COLLATE "C" NOT NULL,
        key BYTEA NOT NULL,
        initiated BIGINT NOT NULL,
        headers TEXT NOT NULL,
        checksum_algorithm TEXT
      );
      CREATE INDEX bucket_uploads_by_key ON bucket_uploads (bucket, key, initiated);

      CREATE TABLE bucket_parts (
        upload_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        size BIGINT NOT NULL,
        etag TEXT NOT NULL,
        last_modified BIGINT NOT NULL,
        blob TEXT NOT NULL,
        checksum TEXT,
        PRIMARY KEY (upload_id, number)
      );

      -- The notification outbox: written with the change it reports, removed once delivered.
      CREATE TABLE bucket_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_until BIGINT NOT NULL DEFAULT 0
      );
      CREATE INDEX bucket_events_by_lease ON bucket_events (lease_until, id);
    `,
  },
];

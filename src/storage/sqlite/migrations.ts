/**
 * The embedded store's schema, as numbered migrations. Append new ones; never edit
 * one that has shipped. Times are epoch milliseconds from the injected Clock.
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
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE queues (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        fifo INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        retention_ms INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        purged_at INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, name)
      );

      CREATE TABLE deleted_queues (
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        deleted_at INTEGER NOT NULL,
        PRIMARY KEY (account, name)
      ) WITHOUT ROWID;

      -- seq never repeats (AUTOINCREMENT): receipt handles and FIFO sequence numbers rely on it.
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        queue_id INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        attrs TEXT,
        sys_attrs TEXT,
        md5_body TEXT NOT NULL,
        md5_attrs TEXT,
        md5_sys TEXT,
        sender_id TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        enqueued_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_receive_at INTEGER,
        received_at INTEGER,
        group_id TEXT,
        dedup_id TEXT,
        source_arn TEXT
      );
      CREATE INDEX messages_by_visibility ON messages (queue_id, visible_at);
      CREATE INDEX messages_by_age ON messages (queue_id, enqueued_at);
      CREATE INDEX messages_by_group ON messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;

      -- One row per FIFO message group that has messages: its oldest message and until
      -- when it is blocked by messages in flight.
      CREATE TABLE fifo_groups (
        queue_id INTEGER NOT NULL,
        group_id TEXT NOT NULL,
        head_seq INTEGER NOT NULL,
        blocked_until INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (queue_id, group_id)
      ) WITHOUT ROWID;
      CREATE INDEX fifo_groups_by_head ON fifo_groups (queue_id, head_seq);

      CREATE TABLE dedup (
        queue_id INTEGER NOT NULL,
        scope TEXT NOT NULL,
        dedup_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (queue_id, scope, dedup_id)
      ) WITHOUT ROWID;
      CREATE INDEX dedup_by_expiry ON dedup (expires_at);

      CREATE TABLE receive_attempts (
        queue_id INTEGER NOT NULL,
        attempt_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        handles TEXT NOT NULL,
        PRIMARY KEY (queue_id, attempt_id)
      ) WITHOUT ROWID;

      CREATE TABLE move_tasks (
        handle TEXT PRIMARY KEY,
        source_queue_id INTEGER NOT NULL,
        source_arn TEXT NOT NULL,
        destination_arn TEXT,
        rate INTEGER,
        status TEXT NOT NULL,
        to_move INTEGER NOT NULL,
        moved INTEGER NOT NULL DEFAULT 0,
        max_seq INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        failure_reason TEXT
      );
      CREATE INDEX move_tasks_by_source ON move_tasks (source_queue_id, started_at);
    `,
  },
  {
    version: 2,
    name: "functions and event source mappings",
    sql: `
      CREATE TABLE functions (
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        record TEXT NOT NULL,
        revision_id TEXT NOT NULL,
        PRIMARY KEY (account, name)
      ) WITHOUT ROWID;

      -- Deployment packages by content hash; a function keeps the ones its record names.
      CREATE TABLE function_code (
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        zip BLOB NOT NULL,
        PRIMARY KEY (account, name, sha256)
      ) WITHOUT ROWID;

      CREATE TABLE event_source_mappings (
        uuid TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        function_name TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        record TEXT NOT NULL,
        UNIQUE (account, function_name, source_arn)
      );
    `,
  },
  {
    version: 3,
    name: "streams",
    sql: `
      CREATE TABLE streams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        settings TEXT NOT NULL,
        UNIQUE (account, name)
      );

      -- next_counter numbers the shard's next record; end_counter is set when it closes.
      -- last_arrival keeps arrival times non-decreasing per shard, so time searches bisect.
      CREATE TABLE stream_shards (
        stream_id INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        parent INTEGER,
        adjacent_parent INTEGER,
        hash_start TEXT NOT NULL,
        hash_end TEXT NOT NULL,
        start_counter INTEGER NOT NULL,
        next_counter INTEGER NOT NULL,
        end_counter INTEGER,
        last_arrival INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        closed_at INTEGER,
        PRIMARY KEY (stream_id, idx)
      ) WITHOUT ROWID;

      CREATE TABLE stream_records (
        stream_id INTEGER NOT NULL,
        shard INTEGER NOT NULL,
        counter INTEGER NOT NULL,
        partition_key TEXT NOT NULL,
        data BLOB NOT NULL,
        explicit_hash_key TEXT,
        arrived_at INTEGER NOT NULL,
        PRIMARY KEY (stream_id, shard, counter)
      );
    `,
  },
  {
    version: 4,
    name: "stream mapping checkpoints and shard leases",
    sql: `
      CREATE TABLE mapping_checkpoints (
        uuid TEXT NOT NULL,
        shard_id TEXT NOT NULL,
        position TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        window_start INTEGER,
        window_state TEXT,
        owner TEXT,
        lease_until INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (uuid, shard_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: "tables",
    sql: `
      CREATE TABLE tables (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        definition TEXT NOT NULL,
        UNIQUE (account, name)
      );

      -- Keys are encoded so BLOB order (memcmp) is DynamoDB's key order; sk is empty when
      -- the table has no sort key. segment is the partition key's 32-bit hash (scan order).
      -- The item text comes last so reading the short columns stays off overflow pages.
      -- A rowid table: items are large rows, which WITHOUT ROWID packs a few per page and
      -- splits often (measured: puts of 1 KiB items about 40% faster with rowids).
      CREATE TABLE table_items (
        table_id INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        version INTEGER NOT NULL,
        segment INTEGER NOT NULL,
        size INTEGER NOT NULL,
        expires_at INTEGER,
        item TEXT NOT NULL,
        PRIMARY KEY (table_id, pk, sk)
      );
      CREATE INDEX table_items_by_segment ON table_items (table_id, segment, pk, sk);
      CREATE INDEX table_items_by_expiry ON table_items (expires_at) WHERE expires_at IS NOT NULL;

      -- Index entries, each a copy of (part of) the item at (pk, sk) at its version.
      CREATE TABLE table_index_items (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        ipk BLOB NOT NULL,
        isk BLOB NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        segment INTEGER NOT NULL,
        version INTEGER NOT NULL,
        item TEXT NOT NULL,
        PRIMARY KEY (table_id, index_name, ipk, isk, pk, sk)
      ) WITHOUT ROWID;
      CREATE INDEX table_index_items_by_item ON table_index_items (table_id, pk, sk);
      CREATE INDEX table_index_items_by_segment ON table_index_items (table_id, index_name, segment, ipk, isk, pk, sk);

      -- ClientRequestTokens of TransactWriteItems, kept for the idempotency window.
      CREATE TABLE table_tokens (
        account TEXT NOT NULL,
        token TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account, token)
      ) WITHOUT ROWID;
      CREATE INDEX table_tokens_by_age ON table_tokens (created_at);
    `,
  },
  {
    version: 6,
    name: "buckets",
    sql: `
      CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        notification TEXT
      ) WITHOUT ROWID;
      CREATE INDEX buckets_by_account ON buckets (account, name);

      -- Keys are UTF-8 bytes (BLOB compares with memcmp): listings are in S3's byte order.
      -- segments: JSON [{blob, size}], the files holding the object's bytes in order.
      CREATE TABLE bucket_objects (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        headers TEXT NOT NULL,
        checksum TEXT,
        segments TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
      ) WITHOUT ROWID;

      CREATE TABLE bucket_uploads (
        id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        initiated INTEGER NOT NULL,
        headers TEXT NOT NULL,
        checksum_algorithm TEXT
      ) WITHOUT ROWID;
      CREATE INDEX bucket_uploads_by_key ON bucket_uploads (bucket, key, initiated);

      CREATE TABLE bucket_parts (
        upload_id TEXT NOT NULL,
        number INTEGER NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        blob TEXT NOT NULL,
        checksum TEXT,
        PRIMARY KEY (upload_id, number)
      ) WITHOUT ROWID;

      -- The notification outbox: written with the change it reports, removed once delivered.
      CREATE TABLE bucket_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_until INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX bucket_events_by_lease ON bucket_events (lease_until, id);
    `,
  },
];

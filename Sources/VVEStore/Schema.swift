import GRDB

/// The store's schema, as named migrations. A migration, once released, never changes: later
/// schema changes are new migrations appended here.
enum Schema {
    /// `PRAGMA application_id` of every vve store ("VVE1"), so vve never mistakes another
    /// application's SQLite file for a node's store, or the other way round.
    static let applicationID: Int32 = 0x5656_4531

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-node-meta") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE node_meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-records") { db in
            // The document is the canonical JSON of the whole record; the other columns are
            // copies of envelope fields so that lists and filters need no JSON parsing.
            try db.execute(
                sql: """
                    CREATE TABLE record (
                        id TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        status TEXT NOT NULL,
                        risk_level TEXT,
                        review_date TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        version TEXT NOT NULL,
                        erased INTEGER NOT NULL DEFAULT 0,
                        document TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX record_by_kind_status ON record(kind, status);
                    CREATE INDEX record_by_review_date ON record(review_date);
                    """)
        }
        migrator.registerMigration("2026-11-change-log") { db in
            // AUTOINCREMENT: a sequence number is never reused, even after old entries are
            // collected, so a peer's cursor always means the same point in history.
            try db.execute(
                sql: """
                    CREATE TABLE change_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        record_id TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        version TEXT NOT NULL,
                        at TEXT NOT NULL
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-audit-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_log (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        record_id TEXT,
                        justification TEXT,
                        detail TEXT,
                        previous_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-replica-registers") { db in
            // The replica state of a record (ReplicatedRecord's registers and erasure) once an
            // edit or a peer has touched it. NULL means every field as the owner wrote it at
            // the record's version, so creating records costs nothing extra.
            try db.execute(sql: "ALTER TABLE record ADD COLUMN registers TEXT")
        }
        migrator.registerMigration("2026-11-shared-copies") { db in
            // Other nodes' records as this node holds them: only the groups their owners'
            // policies grant, with registers so that both sides' edits merge.
            try db.execute(
                sql: """
                    CREATE TABLE shared_copy (
                        id TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        review_date TEXT NOT NULL,
                        copy TEXT NOT NULL,
                        received_at TEXT NOT NULL
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX shared_copy_owner ON shared_copy(owner)")
        }
        migrator.registerMigration("2026-11-peer-cursors") { db in
            // How far into each peer's change log this node has applied. Written in the same
            // transaction as the batch it follows, so a crash never loses or repeats a batch.
            try db.execute(
                sql: """
                    CREATE TABLE peer_cursor (
                        peer TEXT PRIMARY KEY NOT NULL,
                        cursor INTEGER NOT NULL,
                        updated_at TEXT NOT NULL
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-holders") { db in
            // Which peers hold a copy of which of this node's records, so that an erasure or
            // a withdrawal reaches exactly them.
            try db.execute(
                sql: """
                    CREATE TABLE holder (
                        record_id TEXT NOT NULL,
                        peer TEXT NOT NULL,
                        PRIMARY KEY (record_id, peer)
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-conflicts") { db in
            // An index of the fields whose concurrent values the merge rules could not all keep.
            // The values themselves stay in the registers (at most `conflictCap` fields per
            // record); a row gives each conflict a stable id for `vve conflicts`.
            try db.execute(
                sql: """
                    CREATE TABLE conflict (
                        id INTEGER PRIMARY KEY,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        UNIQUE (record_id, field)
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-holder-release") { db in
            // A holder told to delete its copy stays a holder until it asks for a cursor past
            // the batch that told it: a lost answer then re-sends the deletion.
            try db.execute(sql: "ALTER TABLE holder ADD COLUMN release_after INTEGER")
        }
        migrator.registerMigration("2026-11-collected-tombstones") { db in
            // The ids of tombstones collected after their retention period: sixteen bytes
            // each, kept for good, so that a late write to a collected record is recognised
            // as moot rather than refused as unknown.
            try db.execute(
                sql: """
                    CREATE TABLE collected_tombstone (
                        id TEXT PRIMARY KEY NOT NULL,
                        erased_at TEXT NOT NULL,
                        collected_at TEXT NOT NULL
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-pending-writes") { db in
            // This node's writes to a copy withdrawn from it before its owner pulled them:
            // kept until the owner acknowledges the batch that carried them, so a withdrawal
            // never loses an acknowledgement or a follow-up written in the meantime.
            try db.execute(
                sql: """
                    CREATE TABLE pending_writes (
                        record_id TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        writes TEXT NOT NULL,
                        release_after INTEGER
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-policy-revisits") { db in
            // A change-log entry for one peer only (`only_for`): a record to project for it
            // again because its policy changed. Other peers' feeds pass over it.
            try db.execute(sql: "ALTER TABLE change_log ADD COLUMN only_for TEXT")
            // The policy each peer was last served under, as `SharingPolicy.projectionDigest`.
            try db.execute(sql: "CREATE TABLE peer_policy (peer TEXT PRIMARY KEY NOT NULL, digest TEXT NOT NULL) STRICT")
        }
        migrator.registerMigration("2026-11-peer-sync-state") { db in
            // What the pull loop last saw of each peer, for `vve status`: kept in the store so
            // that a command in another process can read it while `vve serve` runs.
            try db.execute(
                sql: """
                    CREATE TABLE peer_sync_state (
                        peer TEXT PRIMARY KEY NOT NULL,
                        last_attempt TEXT NOT NULL,
                        last_success TEXT,
                        caught_up_at TEXT,
                        lag_changes INTEGER,
                        last_error TEXT,
                        last_error_at TEXT,
                        failures INTEGER NOT NULL DEFAULT 0
                    ) STRICT
                    """)
        }
        migrator.registerMigration("2026-11-match-index") { db in
            // Lookups: the match keys of every person of every record and shared copy, one row
            // per name each person is known by. A cache derived from the records, refreshed
            // from the change log (own records) and from `match_copy_change`, which triggers
            // fill in the same transaction as every change to a copy. Imports pay nothing:
            // `vve serve` indexes in the background and before every lookup it answers.
            try db.execute(
                sql: """
                    CREATE TABLE match_entry (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        record_id TEXT NOT NULL,
                        source TEXT NOT NULL,
                        alias INTEGER NOT NULL,
                        exact BLOB,
                        fuzzy BLOB NOT NULL
                    ) STRICT;
                    CREATE INDEX match_entry_record ON match_entry(record_id);
                    CREATE INDEX match_entry_exact ON match_entry(exact) WHERE exact IS NOT NULL;
                    CREATE TABLE match_copy_change (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        record_id TEXT NOT NULL
                    ) STRICT;
                    INSERT INTO match_copy_change(record_id) SELECT id FROM shared_copy;
                    CREATE TRIGGER shared_copy_match_insert AFTER INSERT ON shared_copy
                        BEGIN INSERT INTO match_copy_change(record_id) VALUES (NEW.id); END;
                    CREATE TRIGGER shared_copy_match_update AFTER UPDATE OF copy ON shared_copy
                        BEGIN INSERT INTO match_copy_change(record_id) VALUES (NEW.id); END;
                    CREATE TRIGGER shared_copy_match_delete AFTER DELETE ON shared_copy
                        BEGIN INSERT INTO match_copy_change(record_id) VALUES (OLD.id); END;
                    CREATE INDEX audit_lookups_by_actor ON audit_log(actor, at) WHERE action = 'lookup' AND record_id IS NULL;
                    CREATE TABLE lookup_notice (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        owner TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        notice TEXT NOT NULL,
                        delivered_at TEXT
                    ) STRICT;
                    CREATE INDEX lookup_notice_undelivered ON lookup_notice(owner, seq) WHERE delivered_at IS NULL;
                    CREATE TABLE lookup_notice_cursor (
                        peer TEXT PRIMARY KEY NOT NULL,
                        last_sequence INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX audit_lookup_hits ON audit_log(at) WHERE action = 'lookup' AND record_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("2026-11-release-indexes") { db in
            // Every batch a peer asks for releases what it acknowledged (`acknowledge`): without
            // these, each batch scanned every holding, and a first sync of N records cost N².
            // Partial: only rows waiting for an acknowledgement are indexed, a handful at most.
            try db.execute(
                sql: """
                    CREATE INDEX holder_release ON holder(peer, release_after) WHERE release_after IS NOT NULL;
                    CREATE INDEX pending_writes_release ON pending_writes(owner, release_after) WHERE release_after IS NOT NULL;
                    """)
        }
        migrator.registerMigration("2026-12-aggregates") { db in
            // A quarter's counts, kept once it is reported (`QuarterCounts`): counts only, so
            // that a trend survives the erasure of the records it counted. `kept_quarter` says
            // when, and holds a row even for a quarter that counted nothing.
            // `aggregate_query` is the ledger of queries asked (by an analyst here) and
            // answered (for a peer): it refuses a query id answered before and counts tables
            // against the daily limits.
            try db.execute(
                sql: """
                    CREATE TABLE kept_quarter (
                        measure TEXT NOT NULL,
                        quarter TEXT NOT NULL,
                        kept_at TEXT NOT NULL,
                        PRIMARY KEY (measure, quarter)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE kept_count (
                        measure TEXT NOT NULL,
                        quarter TEXT NOT NULL,
                        table_name TEXT NOT NULL,
                        row_label TEXT NOT NULL,
                        column_label TEXT NOT NULL,
                        count INTEGER NOT NULL CHECK (count > 0),
                        PRIMARY KEY (measure, quarter, table_name, row_label, column_label)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE aggregate_query (
                        query_id TEXT NOT NULL,
                        side TEXT NOT NULL CHECK (side IN ('asked', 'answered')),
                        asker TEXT NOT NULL,
                        measure TEXT NOT NULL,
                        at TEXT NOT NULL,
                        tables INTEGER NOT NULL,
                        PRIMARY KEY (query_id, side)
                    ) STRICT;
                    CREATE INDEX aggregate_query_by_asker ON aggregate_query(side, asker, at);
                    """)
        }
        migrator.registerMigration("2026-12-own-exact-keys") { db in
            // `known-in-several-areas` reads the exact key of each person of every own record:
            // covered by `match_entry_own_exact`, that is a scan of the keys alone, not of every
            // entry's 256-byte encoding. Indexing a record finds its entries by record and
            // source; with both in `match_entry_record`, no planner prefers the new index for
            // that, which would scan every own entry for each record indexed. It counts the
            // people its records mention: `record_people` holds how many each county-lines link
            // names, so that is not read out of every document again.
            try db.execute(
                sql: """
                    DROP INDEX match_entry_record;
                    CREATE INDEX match_entry_record ON match_entry(record_id, source);
                    CREATE INDEX match_entry_own_exact ON match_entry(source, alias, exact) WHERE source = 'own';
                    CREATE INDEX record_people ON record(owner, kind, erased, json_array_length(document, '$.fields.linkedPeople'));
                    """)
        }
        migrator.registerMigration("2026-12-lookup-names") { db in
            // Lookup limits count names, the person's and each alias's, not requests: one row
            // per lookup made or answered, with how many names it matched. Lookups before it
            // count as one name each.
            try db.execute(
                sql: """
                    CREATE TABLE lookup_names (
                        actor TEXT NOT NULL,
                        at TEXT NOT NULL,
                        names INTEGER NOT NULL CHECK (names > 0)
                    ) STRICT;
                    CREATE INDEX lookup_names_by_actor ON lookup_names(actor, at);
                    INSERT INTO lookup_names(actor, at, names)
                        SELECT actor, at, 1 FROM audit_log WHERE action = 'lookup' AND record_id IS NULL;
                    """)
        }
        migrator.registerMigration("2026-12-token-answers") { db in
            // A node sends tokens made from today's records to each asker at most once a day,
            // whether for people (`known-in-several-areas`) or for deal lines (`county-lines`
            // asking `distinct-lines`): `sent_tokens` marks the answers that carried them.
            try db.execute(
                sql: """
                    ALTER TABLE aggregate_query ADD COLUMN sent_tokens INTEGER NOT NULL DEFAULT 0 CHECK (sent_tokens IN (0, 1));
                    UPDATE aggregate_query SET sent_tokens = 1 WHERE side = 'answered' AND measure = 'known-in-several-areas';
                    """)
        }
        migrator.registerMigration("2026-12-set-aside") { db in
            // Items of a peer's batches this node refused, kept as they arrived so that one
            // bad item never blocks the items behind it. The latest item about a record
            // replaces an earlier one; an item applied later about the same record releases
            // it. Retried when `refused_by` (the vve version) or `policy` (the peer's
            // `SharingPolicy.projectionDigest`) differs from what is running now.
            try db.execute(
                sql: """
                    CREATE TABLE set_aside (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        peer TEXT NOT NULL,
                        record_id TEXT,
                        item TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        refused_by TEXT NOT NULL,
                        policy TEXT NOT NULL,
                        at TEXT NOT NULL,
                        refusals INTEGER NOT NULL DEFAULT 1
                    ) STRICT;
                    CREATE UNIQUE INDEX set_aside_record ON set_aside(peer, record_id) WHERE record_id IS NOT NULL;
                    CREATE INDEX set_aside_peer ON set_aside(peer, seq);
                    """)
        }
        migrator.registerMigration("2026-12-incarnation") { db in
            // Which life of this store peers are reading: a new one for a store restored from
            // a backup (`vve backup` writes it into the copy) or rebuilt from an export (`vve
            // init` makes one), whose change log restarts below the cursors peers hold. The
            // incarnation a peer's batches came from is kept with its cursor.
            try db.execute(
                sql: """
                    INSERT INTO node_meta(key, value) VALUES ('incarnation', lower(hex(randomblob(16))));
                    ALTER TABLE peer_cursor ADD COLUMN incarnation TEXT;
                    """)
        }
        migrator.registerMigration("2026-12-audit-anchors") { db in
            // Each peer's audit head as its batches carried it, the last of each day, for
            // `AuditAnchor`: whoever can write a node's file can cut its log short or rewrite
            // it, but not the anchors its peers keep.
            try db.execute(
                sql: """
                    CREATE TABLE peer_audit_anchor (
                        peer TEXT NOT NULL,
                        day TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence > 0),
                        hash TEXT NOT NULL,
                        seen_at TEXT NOT NULL,
                        PRIMARY KEY (peer, day)
                    ) STRICT, WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("2026-12-exact-only-copies") { db in
            // A copy shared without `identity` holds each person's exact key alone: copies
            // received before keep no fuzzy encoding, and the match index, which could not
            // hold an entry without one, is built again (`CaseStore.refreshMatchEntries`
            // starts over when its key tag is gone).
            try db.execute(
                sql: """
                    DROP TABLE match_entry;
                    CREATE TABLE match_entry (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        record_id TEXT NOT NULL,
                        source TEXT NOT NULL,
                        alias INTEGER NOT NULL,
                        exact BLOB,
                        fuzzy BLOB
                    ) STRICT;
                    CREATE INDEX match_entry_record ON match_entry(record_id, source);
                    CREATE INDEX match_entry_exact ON match_entry(exact) WHERE exact IS NOT NULL;
                    CREATE INDEX match_entry_own_exact ON match_entry(source, alias, exact) WHERE source = 'own';
                    DELETE FROM node_meta WHERE key IN ('match-index.key', 'match-index.own-cursor');
                    """)
            try dropFuzzyEncodings(db)
        }
        migrator.registerMigration("2026-12-record-sources") { db in
            // Where each record came from (`SourceReference`), unique per node, so that an
            // import meeting a known reference updates the record instead of creating another.
            // `source_digest` is the digest (hex) of the line that last left the record; any other
            // change to the record clears it, so an equal digest means the line would change
            // nothing. An erased record forgets its source: nothing of an erased record's case
            // stays, and a later import of the same reference makes a new record.
            try db.execute(
                sql: """
                    ALTER TABLE record ADD COLUMN source_system TEXT;
                    ALTER TABLE record ADD COLUMN source_id TEXT;
                    ALTER TABLE record ADD COLUMN source_digest TEXT;
                    CREATE UNIQUE INDEX record_source ON record(source_system, source_id) WHERE source_system IS NOT NULL;
                    CREATE TRIGGER record_source_digest_stale AFTER UPDATE OF document ON record
                        WHEN NEW.source_digest IS NOT NULL AND NEW.source_digest IS OLD.source_digest
                        BEGIN UPDATE record SET source_digest = NULL WHERE id = NEW.id; END;
                    CREATE TRIGGER record_source_forgotten AFTER UPDATE OF erased ON record WHEN NEW.erased = 1
                        BEGIN UPDATE record SET source_system = NULL, source_id = NULL, source_digest = NULL WHERE id = NEW.id; END;
                    """)
        }
        migrator.registerMigration("2026-12-nothing-shared") { db in
            // When a peer last said it shares nothing with this node (`VVE-Shares: nothing`):
            // `vve status` shows "nothing to pull" rather than an error, and the pull loop asks
            // again only hourly. Cleared by the next batch the peer does share.
            try db.execute(sql: "ALTER TABLE peer_sync_state ADD COLUMN nothing_shared_at TEXT")
        }
        migrator.registerMigration("2026-12-match-scheme-2") { db in
            // Match-key scheme 2 keeps each name and the date of birth in a part of its own, and
            // a name is judged with what its record says of the person (`MatchTraits`): every
            // entry is made again (`CaseStore.refreshMatchEntries` starts over when the key tag,
            // which names the scheme too, differs).
            try db.execute(
                sql: """
                    ALTER TABLE match_entry ADD COLUMN traits INTEGER NOT NULL DEFAULT 0;
                    DELETE FROM node_meta WHERE key IN ('match-index.key', 'match-index.own-cursor');
                    """)
        }
        migrator.registerMigration("2026-12-lookups-asked") { db in
            // How many times this node's lookups asked each peer, by what it gave back, for the
            // node's metrics: the lookups are made by `vve lookup`, a process of its own, and
            // counted by `vve serve` from here, a row a peer and outcome so a scrape reads a few
            // rows whatever the number of lookups (the audit log says when each was made).
            // Lookups made before this table have their outcomes only in the audit log's text,
            // and are not counted.
            try db.execute(
                sql: """
                    CREATE TABLE lookup_asked (
                        peer TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('hit', 'no-hit', 'refused', 'no-answer')),
                        asked INTEGER NOT NULL CHECK (asked > 0),
                        PRIMARY KEY (peer, outcome)
                    ) STRICT, WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}

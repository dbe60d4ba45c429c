"""Schema of the state store, as an ordered list of migrations keyed by ``PRAGMA user_version``.

Never edit a released migration: append a new one. Each runs inside one transaction.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: links, versions, journal, runs, outbox, duplicate review
    """
    CREATE TABLE links (
        entity      TEXT NOT NULL,          -- canonical entity type: counterparty, bank_account, ...
        onec_ref    TEXT NOT NULL,          -- 1C Ref_Key
        b24_type    TEXT NOT NULL,          -- company, requisite, bankdetail, contact, deal, ...
        b24_id      TEXT NOT NULL,
        meta        TEXT NOT NULL DEFAULT '{}',  -- JSON: ids of sub-records, values we wrote (multifields)
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (entity, onec_ref, b24_type)
    );
    CREATE UNIQUE INDEX links_b24 ON links (b24_type, b24_id, entity);

    CREATE TABLE versions (
        side        TEXT NOT NULL,          -- onec | b24
        entity      TEXT NOT NULL,
        key         TEXT NOT NULL,
        version     TEXT NOT NULL,          -- 1C DataVersion / Bitrix24 DATE_MODIFY
        payload_hash TEXT NOT NULL DEFAULT '',  -- hash of what we last wrote to the other side
        seen_at     TEXT NOT NULL,
        PRIMARY KEY (side, entity, key)
    );

    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        trigger     TEXT NOT NULL,          -- manual | schedule | cli | demo | resume
        dry_run     INTEGER NOT NULL DEFAULT 0,
        status      TEXT NOT NULL,          -- running | ok | partial | failed | interrupted
        counts      TEXT NOT NULL DEFAULT '{}',
        error       TEXT
    );

    CREATE TABLE journal (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        ts          TEXT NOT NULL,
        run_id      INTEGER REFERENCES runs(id),
        entity      TEXT NOT NULL,
        direction   TEXT NOT NULL,          -- 1c->b24 | b24->1c
        action      TEXT NOT NULL,          -- create | update | link | skip | fail | duplicate | mark
        onec_ref    TEXT,
        b24_id      TEXT,
        title       TEXT NOT NULL DEFAULT '',
        reason_code TEXT NOT NULL,
        reason_params TEXT NOT NULL DEFAULT '{}',
        reason_text TEXT NOT NULL           -- rendered Russian text, readable without the program
    );
    CREATE INDEX journal_run ON journal (run_id);
    CREATE INDEX journal_problems ON journal (action) WHERE action IN ('fail', 'duplicate');

    CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at  TEXT NOT NULL,
        run_id      INTEGER,
        target      TEXT NOT NULL,          -- b24 | onec
        entity      TEXT NOT NULL,
        onec_ref    TEXT,
        operation   TEXT NOT NULL,          -- create | update
        payload     TEXT NOT NULL,
        state       TEXT NOT NULL,          -- pending | in_flight | uncertain | failed
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
    );
    CREATE INDEX outbox_state ON outbox (state);

    CREATE TABLE duplicates (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        entity      TEXT NOT NULL,
        onec_ref    TEXT NOT NULL,
        b24_type    TEXT NOT NULL,
        b24_id      TEXT NOT NULL,
        onec_title  TEXT NOT NULL,
        b24_title   TEXT NOT NULL,
        reason      TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open',   -- open | linked | dismissed
        created_at  TEXT NOT NULL,
        resolved_at TEXT,
        UNIQUE (entity, onec_ref, b24_type, b24_id)
    );
    """,
    # 2: conflicts — a change that must not overwrite the other side (a shipped or closed order), both versions kept
    """
    CREATE TABLE conflicts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        entity      TEXT NOT NULL,
        key         TEXT NOT NULL,          -- source key (deal id for deal -> order)
        target_id   TEXT NOT NULL,          -- the record on the other side (1C Ref_Key of the order)
        title       TEXT NOT NULL,
        reason      TEXT NOT NULL,
        ours        TEXT NOT NULL,          -- JSON: what the source wants now
        theirs      TEXT NOT NULL,          -- JSON: what the other side holds
        status      TEXT NOT NULL DEFAULT 'open',   -- open | resolved | dismissed
        created_at  TEXT NOT NULL,
        resolved_at TEXT
    );
    CREATE UNIQUE INDEX conflicts_open ON conflicts (entity, key) WHERE status = 'open';
    """,
    # 3: the journal searched and paged by time (the main window's period filter, full history)
    """
    CREATE INDEX journal_ts ON journal (ts);
    """,
]

-- The database contract: the app, the PDF snapshot and the evaluation read these tables.
-- Spans: `line` is 1-based in the source file; char_start/char_end are 0-based, end-exclusive
-- offsets into that line's original text, so quote = line_text[char_start:char_end].

CREATE TABLE documents (
    doc_id        VARCHAR PRIMARY KEY,   -- first 16 hex of the content's sha256
    source_file   VARCHAR NOT NULL,      -- path relative to the input folder
    content_hash  VARCHAR NOT NULL,      -- sha256 of the file's bytes
    encoding      VARCHAR,
    title         VARCHAR,
    issued_on     DATE,                  -- the bulletin's own date, when its header states one
    n_lines       INTEGER,
    n_articles    INTEGER,
    n_facts       INTEGER,
    ingested_at   TIMESTAMP,
    rules_version VARCHAR                -- hash of the extraction rules that produced its rows
);

-- Every original line, so quotes and line numbers stay checkable in the app.
CREATE TABLE lines (
    doc_id      VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    line        INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    article_id  VARCHAR
);

CREATE TABLE articles (
    article_id   VARCHAR PRIMARY KEY,
    doc_id       VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    ordinal      INTEGER NOT NULL,       -- 1-based position in the bulletin
    title        VARCHAR NOT NULL,
    start_line   INTEGER NOT NULL,
    end_line     INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,       -- policy | interpretation | news | report | other
    doc_number   VARCHAR,                -- 工信部联科〔2025〕279号
    issued_on    DATE,
    issued_precision VARCHAR,            -- day | month | year
    period_start INTEGER,                -- plan period in the title, 行动方案（2024—2026年）
    period_end   INTEGER,
    issuers      VARCHAR[]               -- canonical agency names
);

CREATE TABLE agencies (
    agency_id  VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,         -- canonical full official name
    parent     VARCHAR,                  -- the ministry of a department (工业和信息化部 for 科技司)
    level      VARCHAR NOT NULL,         -- central | provincial | municipal | other
    aliases    VARCHAR[]
);

CREATE TABLE facts (
    id            VARCHAR PRIMARY KEY,   -- stable: document content + the fact's normalized text
    doc_id        VARCHAR NOT NULL,
    source_file   VARCHAR NOT NULL,
    line          INTEGER NOT NULL,
    char_start    INTEGER NOT NULL,
    char_end      INTEGER NOT NULL,
    quote         VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,      -- deadline | target | milestone | relative
    due_date      DATE,                  -- last day covered: 到2026年底 -> 2026-12-31
    due_precision VARCHAR,               -- day | month | quarter | year
    due_from      DATE,                  -- 2026年起 -> 2026-01-01
    due_basis     VARCHAR,               -- explicit | context
    recurrence    VARCHAR,               -- yearly | half-yearly | quarterly | monthly
    recurrence_rule VARCHAR,             -- 每年2月底前
    value         DOUBLE,
    value_max     DOUBLE,
    unit          VARCHAR,               -- as written: 个 % 家 亿元 万亿元 倍 项 月 工作日
    comparator    VARCHAR,               -- >= > = <= < ~
    metric        VARCHAR,               -- short phrase: what is counted or what must be done
    article_id    VARCHAR,
    group_id      VARCHAR,               -- facts stating the same goal share it
    agencies      VARCHAR[]              -- canonical names, the same as fact_agencies
);

CREATE TABLE fact_agencies (
    fact_id   VARCHAR NOT NULL,
    agency_id VARCHAR NOT NULL,
    role      VARCHAR NOT NULL           -- named (in the sentence) | issuer (the article's)
);

-- Every date and quantity span the extractor saw and its decision (pipeline/extract/candidates.py):
-- the fact it became, `context` (a goal date that dated other clauses) or `rejected` with a reason code.
CREATE TABLE candidates (
    doc_id      VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    line        INTEGER NOT NULL,
    char_start  INTEGER NOT NULL,        -- original-line offsets, as facts
    char_end    INTEGER NOT NULL,
    quote       VARCHAR NOT NULL,        -- the span itself: line[char_start:char_end]
    span_kind   VARCHAR NOT NULL,        -- date | quantity
    decision    VARCHAR NOT NULL,        -- fact | context | rejected
    fact_kind   VARCHAR,                 -- the fact's kind when decision = fact
    fact_id     VARCHAR,
    reason      VARCHAR NOT NULL,        -- the fact's kind, goal_date, or a reason code (README)
    detail      VARCHAR NOT NULL         -- normalized: due and precision, or comparator value unit
);

CREATE TABLE ingest_errors (
    run_id      VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    failed_at   TIMESTAMP NOT NULL
);

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    input_dir   VARCHAR NOT NULL,
    files       INTEGER NOT NULL,
    documents   INTEGER NOT NULL,
    facts       INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    reused      INTEGER NOT NULL         -- documents taken unchanged from the previous database
);

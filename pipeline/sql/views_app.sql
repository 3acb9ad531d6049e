-- Views the dashboard's index is made from (loaded after views.sql; pipeline/sql/marts/app.sql stores
-- them as schema app). The app never parses text: everything it shows comes from these rows, and every
-- row keeps source_file, line and quote for provenance.
--
-- They read the base tables only (never fact_details, whose window functions cost a second at a
-- million facts), so the app can also create them in its own in-memory catalog over a database
-- built before they changed, and make the index there (dashboard/queries.py). The first place a goal
-- is stated is found with arg_min over the goals stated more than once, not with row_number() over
-- every fact.

-- The one agency hierarchy every view uses: each agency counts under itself and under the body it
-- belongs to (agencies.parent: pipeline/patterns/agencies.yaml, and the resolver's 工业和信息化部（科技司）
-- rule), so 工业和信息化部's lists, counts, filters and calendar feed hold its 科技司's and 办公厅's
-- goals. A name the table lacks (typed by staff in a correction) counts under itself only: join
-- with LEFT JOIN and coalesce(scope, name).
CREATE VIEW agency_scope AS
SELECT name AS agency, name AS scope FROM agencies
UNION
SELECT name, parent FROM agencies WHERE parent IS NOT NULL;

-- Goals stated more than once (编者按 and body, 解读 and full text): the first place (by file, then
-- line and offset in it) and how many places.
CREATE VIEW app_goal_heads AS
WITH dup AS (
    SELECT group_id, count(*) AS goal_size, min(source_file) AS first_file
    FROM facts
    WHERE group_id IS NOT NULL
    GROUP BY group_id
    HAVING count(*) > 1)
SELECT
    f.group_id AS goal_id,
    arg_min(f.id, f.line::BIGINT * 1000000 + f.char_start) AS head_id,
    any_value(dup.goal_size) AS goal_size
FROM facts f
JOIN dup ON dup.group_id = f.group_id AND dup.first_file = f.source_file
GROUP BY f.group_id;

-- The agencies named anywhere in a goal stated more than once (one place may name the ministry
-- the other leaves out).
CREATE VIEW app_goal_agencies AS
SELECT goal_id, list(agency ORDER BY agency) AS goal_agencies
FROM (
    SELECT DISTINCT f.group_id AS goal_id, unnest(f.agencies) AS agency
    FROM facts f
    JOIN app_goal_heads g ON g.goal_id = f.group_id)
GROUP BY goal_id;

-- Every fact with its goal: goal_id never NULL (a fact without group is its own goal), is_head for
-- the row that stands for the goal in de-duplicated views, goal_size, and goal_agencies (every
-- agency the goal's places name; the fact's own agencies when it is stated once).
CREATE VIEW app_fact_index AS
SELECT
    f.*,
    coalesce(f.group_id, f.id) AS goal_id,
    (g.head_id IS NULL OR g.head_id = f.id) AS is_head,
    coalesce(g.goal_size, 1) AS goal_size,
    coalesce(ga.goal_agencies, f.agencies, []::VARCHAR[]) AS goal_agencies
FROM facts f
LEFT JOIN app_goal_heads g ON g.goal_id = f.group_id
LEFT JOIN app_goal_agencies ga ON ga.goal_id = f.group_id;

-- The places of each goal stated more than once, 文档 第N行 joined with '；'.
CREATE VIEW app_goal_sources AS
SELECT
    f.group_id AS goal_id,
    string_agg(coalesce(d.title, f.source_file) || ' 第' || f.line || '行', '；'
               ORDER BY f.source_file, f.line, f.char_start) AS sources
FROM facts f
JOIN app_goal_heads g ON g.goal_id = f.group_id
LEFT JOIN documents d ON d.doc_id = f.doc_id
GROUP BY ALL;

-- One row a fact with everything a row on screen shows: its goal, article, bulletin and every place
-- the goal is stated (sources; its own place when stated once). The app's fact_index is this view,
-- stored in display order (pipeline/sql/marts/app.sql), so a page reads rows without a join.
CREATE VIEW app_facts AS
SELECT
    fi.*,
    a.title        AS article_title,
    a.ordinal      AS article_ordinal,
    a.doc_number   AS article_doc_number,
    a.period_start AS article_period_start,
    a.period_end   AS article_period_end,
    a.issued_on    AS article_issued_on,
    coalesce(d.title, fi.source_file) AS document_title,
    d.issued_on    AS document_issued_on,
    coalesce(gs.sources, coalesce(d.title, fi.source_file) || ' 第' || fi.line || '行') AS sources
FROM app_fact_index fi
LEFT JOIN articles a ON a.article_id = fi.article_id
LEFT JOIN documents d ON d.doc_id = fi.doc_id
LEFT JOIN app_goal_sources gs ON gs.goal_id = fi.goal_id;

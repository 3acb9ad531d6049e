-- The dashboard's index: tables in schema `app`, made from the views of views_app.sql once the rows
-- are written (pipeline/load.py, DatabaseWriter.commit), so the app's first page after a rebuild
-- reads them at once instead of de-duplicating a million facts itself. Not in sql_files(): the
-- build's layout check compares schema main only, and this file is re-run on every build.
--
-- The app runs the same statements in its own memory over a file that lacks them, or whose
-- app.version differs from the hash of this file and views_app.sql (dashboard/queries.py).
--
-- fact_index is stored in display order (due date, then place), so "the first N rows that match"
-- is a streaming scan that stops early instead of a sort of a million rows.

DROP SCHEMA IF EXISTS app CASCADE;
CREATE SCHEMA app;

-- Display order, here and in dashboard/queries.py (_ORDER): due date, recurring before other undated
-- goals, then place. Every index below keeps it (within an agency, within a kind), so a list cut at
-- N rows reads the same N rows from whichever index serves its filters.

-- every fact with its goal, article, bulletin and sources (views_app.sql's app_facts): the columns
-- the app filters on or shows, no more (each column costs time to write and to read)
CREATE TABLE app.fact_index AS
SELECT id, doc_id, source_file, line, char_start, char_end, quote, kind, due_date, due_from, recurrence,
       recurrence_rule, value, value_max, unit, comparator, metric, article_id, agencies, goal_id, is_head,
       goal_size, goal_agencies, article_title, article_issued_on, document_title, document_issued_on, sources
FROM app_facts ORDER BY due_date NULLS LAST, recurrence_rule NULLS LAST, source_file, line, char_start, id;

-- the goals on the deadline pages (deadlines and relative deadlines), in display order: a deadline
-- list reads dated rows from the start and recurring rows from one stretch; a list of these kinds
-- elsewhere reads them here rather than scattered among the other kinds in fact_index
CREATE TABLE app.deadline_index AS
SELECT *, coalesce(recurrence, '') || '|' || coalesce(recurrence_rule, '') AS rule_key
FROM app.fact_index WHERE is_head AND kind IN ('deadline', 'relative')
ORDER BY due_date NULLS LAST, recurrence_rule NULLS LAST, source_file, line, char_start, id;

-- article and bulletin titles, for search (short tables: tested before the facts)
CREATE TABLE app.article_info AS SELECT article_id, title FROM articles;

-- articles whose titles state a plan period (行动方案（2024—2026年）), as the timelines draw them
CREATE TABLE app.plan_periods AS
SELECT a.article_id, a.doc_id, a.source_file, a.start_line AS line, a.title AS article_title, a.period_start,
       a.period_end, coalesce(d.title, a.source_file) AS document_title, a.issuers AS agencies
FROM articles a LEFT JOIN documents d ON d.doc_id = a.doc_id
WHERE a.period_start IS NOT NULL AND a.period_end IS NOT NULL
ORDER BY a.period_start, a.title;

-- bulletins newest first, as the filters and the 文档 page list them
CREATE TABLE app.document_list AS
SELECT doc_id, source_file, coalesce(title, source_file) AS title, issued_on, n_articles, n_facts, n_lines
FROM documents ORDER BY issued_on DESC NULLS LAST, source_file;

-- one row per goal and agency it counts under (the agencies its places name and the bodies they belong
-- to: views_app.sql's agency_scope), with everything fact_index has, by agency and then in display
-- order: one agency's goals are contiguous, so its lists read a few row groups and stop at the first N
CREATE TABLE app.agency_index AS
WITH scoped AS (
    SELECT DISTINCT n.id, coalesce(s.scope, n.named) AS agency
    FROM (SELECT id, unnest(goal_agencies) AS named FROM app.fact_index WHERE is_head) n
    LEFT JOIN agency_scope s ON s.agency = n.named)
SELECT fi.*, coalesce(fi.recurrence, '') || '|' || coalesce(fi.recurrence_rule, '') AS rule_key, scoped.agency
FROM app.fact_index fi JOIN scoped USING (id)
ORDER BY agency, due_date NULLS LAST, recurrence_rule NULLS LAST, source_file, line, char_start, id;

-- the deadline pages' goals of each agency, ordered as deadline_index within each agency
CREATE TABLE app.agency_deadline_index AS
SELECT * FROM app.agency_index WHERE kind IN ('deadline', 'relative')
ORDER BY agency, due_date NULLS LAST, recurrence_rule NULLS LAST, source_file, line, char_start, id;

-- each agency's goals by article, most first: the agency page's list of sources
CREATE TABLE app.agency_articles AS
SELECT agency, doc_id, article_id, count(*) AS facts, min(line) AS first_line
FROM app.agency_index GROUP BY ALL
ORDER BY agency, facts DESC, doc_id, first_line;

-- a linked fact, found through an index instead of a scan of every fact
CREATE INDEX fact_index_id ON app.fact_index (id);

-- one bulletin's facts together (the 文档 page reads them as one stretch, skipping other blocks by
-- their min/max doc_id): fact_index again, by bulletin and place
CREATE TABLE app.document_fact_index AS SELECT * FROM app.fact_index ORDER BY doc_id, line, char_start, id;

CREATE TABLE app.agency_kind_counts AS SELECT agency, kind, count(*) AS n FROM app.agency_index GROUP BY ALL;

-- agencies by how many goals they carry (a ministry's include its departments'), most first (filters,
-- rankings, the busiest agency), with what the agency page shows of each: its level, the body it
-- belongs to, goals by kind, bulletins
CREATE TABLE app.agency_totals AS
WITH kinds AS (SELECT agency, sum(n)::BIGINT AS goals, coalesce(sum(n) FILTER (WHERE kind = 'target'), 0)::BIGINT AS targets,
                      coalesce(sum(n) FILTER (WHERE kind = 'milestone'), 0)::BIGINT AS milestones
               FROM app.agency_kind_counts GROUP BY agency),
     docs AS (SELECT agency, count(DISTINCT doc_id) AS documents FROM app.agency_index GROUP BY agency),
     levels AS (SELECT name AS agency, any_value(level) AS level, any_value(parent) AS parent FROM agencies GROUP BY name)
SELECT k.agency, coalesce(l.level, 'other') AS level, l.parent, k.goals, k.targets, k.milestones,
       coalesce(d.documents, 0) AS documents
FROM kinds k LEFT JOIN docs d USING (agency) LEFT JOIN levels l USING (agency)
ORDER BY k.goals DESC, k.agency;

-- each agency's deadline-page goals by kind, due date and rule (undated ones too: the lists' totals)
CREATE TABLE app.deadline_agency_due AS
SELECT agency, kind, due_date, rule_key, count(*) AS n FROM app.agency_deadline_index GROUP BY ALL;

-- goals of each kind (kinds the filters offer)
CREATE TABLE app.kind_counts AS SELECT kind, count(*) FILTER (WHERE is_head) AS n FROM app.fact_index GROUP BY kind;

-- the deadline pages' goals by kind, due date and rule: the overview's counts and the lists' totals
-- at any as-of date
CREATE TABLE app.deadline_due_counts AS
SELECT kind, due_date, rule_key, count(*) AS n FROM app.deadline_index GROUP BY ALL;

CREATE TABLE app.year_kind_counts AS
SELECT year(due_date) AS year, kind, count(*) AS n FROM app.fact_index
WHERE is_head AND due_date IS NOT NULL GROUP BY ALL;

CREATE TABLE app.deadline_rules AS
SELECT DISTINCT recurrence, recurrence_rule FROM app.deadline_index
WHERE due_date IS NULL AND recurrence_rule IS NOT NULL;

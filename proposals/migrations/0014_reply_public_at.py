"""When each reply became public, kept by the database (PostgreSQL only), for the Atom feed.

``proposals_reply.public_at``: the time a reply became public (the later of its entry and its
item's publication) while it is public (sent, its assignment not withdrawn, its item published
and replied, rated, re-handled or closed), else NULL. The feed's newest replies are then the
first rows of one index (``reply_public_at_idx``) instead of a search through the newest items and
the newest replies. Triggers keep it, so that a bulk ``update()``, the admin, an import or a fix
in psql keep it too: a reply's own row as it is written; its assignment's status; its item's
publication, status and publication time.

Not in Django's model state (as ``public_revision``): SQLite, the embedded default, has neither
the column nor the triggers, and finds the feed's replies through the models.
"""

from django.db import migrations

PUBLIC = "s.published AND s.status IN ('replied', 'rated', 'rehandling', 'closed')"
# The value a reply's row should hold, from its own status and time and its assignment.
OF = "proposals_reply_public_at_of({row}.status, {row}.created_at, {row}.assignment_id)"

STATEMENTS = [
    "ALTER TABLE proposals_reply ADD COLUMN IF NOT EXISTS public_at timestamptz",
    "CREATE OR REPLACE FUNCTION proposals_reply_public_at_of(reply_status text, entered timestamptz, assignment bigint)"
    " RETURNS timestamptz LANGUAGE sql STABLE AS $$"
    " SELECT CASE WHEN reply_status = 'sent' AND a.status <> 'withdrawn' AND " + PUBLIC + ""
    " THEN greatest(entered, s.published_at) END"
    " FROM proposals_assignment a JOIN proposals_suggestion s ON s.id = a.suggestion_id WHERE a.id = assignment $$",
    # The reply's own row, as it is written.
    "CREATE OR REPLACE FUNCTION proposals_reply_set_public_at() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN NEW.public_at := " + OF.format(row="NEW") + "; RETURN NEW; END $$",
    "CREATE TRIGGER reply_public_at BEFORE INSERT OR UPDATE OF status, created_at, assignment_id ON proposals_reply"
    " FOR EACH ROW EXECUTE FUNCTION proposals_reply_set_public_at()",
    # Its assignment withdrawn or restored (or moved).
    "CREATE OR REPLACE FUNCTION proposals_assignment_public_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " UPDATE proposals_reply r SET public_at = " + OF.format(row="r") + ""
    " WHERE r.assignment_id = NEW.id AND r.public_at IS DISTINCT FROM " + OF.format(row="r") + ";"
    " RETURN NULL; END $$",
    "CREATE TRIGGER assignment_public_at AFTER UPDATE ON proposals_assignment FOR EACH ROW"
    " WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.suggestion_id IS DISTINCT FROM NEW.suggestion_id)"
    " EXECUTE FUNCTION proposals_assignment_public_at()",
    # Its item published or withdrawn from the public, its status or publication time changed.
    "CREATE OR REPLACE FUNCTION proposals_suggestion_public_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " UPDATE proposals_reply r SET public_at = " + OF.format(row="r") + " FROM proposals_assignment a"
    " WHERE a.suggestion_id = NEW.id AND r.assignment_id = a.id"
    " AND r.public_at IS DISTINCT FROM " + OF.format(row="r") + ";"
    " RETURN NULL; END $$",
    "CREATE TRIGGER suggestion_public_at AFTER UPDATE ON proposals_suggestion FOR EACH ROW"
    " WHEN (OLD.published IS DISTINCT FROM NEW.published OR OLD.status IS DISTINCT FROM NEW.status"
    " OR OLD.published_at IS DISTINCT FROM NEW.published_at)"
    " EXECUTE FUNCTION proposals_suggestion_public_at()",
    # The rows there are now: filling the column changes nothing a page shows, so the stored
    # renditions' revisions are left alone while it is filled.
    "ALTER TABLE proposals_reply DISABLE TRIGGER revise_public_update",
    "UPDATE proposals_reply r SET public_at = " + OF.format(row="r") + " WHERE " + OF.format(row="r") + " IS NOT NULL",
    "ALTER TABLE proposals_reply ENABLE TRIGGER revise_public_update",
    "CREATE INDEX IF NOT EXISTS reply_public_at_idx ON proposals_reply (public_at DESC, id DESC)"
    " WHERE public_at IS NOT NULL",
]

REVERSE = [
    "DROP TRIGGER IF EXISTS reply_public_at ON proposals_reply",
    "DROP TRIGGER IF EXISTS assignment_public_at ON proposals_assignment",
    "DROP TRIGGER IF EXISTS suggestion_public_at ON proposals_suggestion",
    "DROP FUNCTION IF EXISTS proposals_reply_set_public_at()",
    "DROP FUNCTION IF EXISTS proposals_assignment_public_at()",
    "DROP FUNCTION IF EXISTS proposals_suggestion_public_at()",
    "DROP FUNCTION IF EXISTS proposals_reply_public_at_of(text, timestamptz, bigint)",
    "DROP INDEX IF EXISTS reply_public_at_idx",
    "ALTER TABLE proposals_reply DROP COLUMN IF EXISTS public_at",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in STATEMENTS:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0013_public_renditions")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]

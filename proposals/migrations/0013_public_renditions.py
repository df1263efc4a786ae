"""Stored public renditions (``proposals.renditions``) and what keeps them honest (PostgreSQL only).

``proposals_suggestion.public_revision``: a counter the database raises itself, in the same
transaction, on every write that can change what an item's public pages show: any update of the
item; any insert, update or delete of its co-signers, assignments, replies, ratings, commitments,
attachments or key supervision; a renamed unit, deputy, electoral unit, session, field, reply
category or SC seat (only the items that show it). Triggers, not the services, so that a bulk
``update()``, the admin, an import or a fix in psql keep it too. A rendition is used only while
its ``revision`` equals the item's: a change is seen by the very next request.

Not in Django's model state (as ``search_vector``): SQLite, the embedded default, has neither the
column nor the triggers, and renders every public page from the models.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, function body run FOR EACH ROW, WHEN clause for UPDATE or None: any update counts)
BUMP = "UPDATE proposals_suggestion SET public_revision = public_revision + 1 WHERE id IN ({ids})"
VIA_REPLY = "SELECT a.suggestion_id FROM proposals_assignment a JOIN proposals_reply r ON r.assignment_id = a.id WHERE r.id = {row}.reply_id"
VIA_DEPUTY = (
    "SELECT id FROM proposals_suggestion WHERE lead_deputy_id = {row}.id"
    " UNION SELECT suggestion_id FROM proposals_cosigner WHERE deputy_id = {row}.id"
    " UNION SELECT ks.suggestion_id FROM proposals_keysupervision ks"
    " JOIN deputies_standingcommitteemember m ON m.id = ks.sc_leader_id WHERE m.deputy_id = {row}.id"
)
VIA_ELECTORAL_UNIT = (
    "SELECT s.id FROM proposals_suggestion s JOIN deputies_deputy d ON d.id = s.lead_deputy_id"
    " WHERE d.electoral_unit_id = {row}.id"
    " UNION SELECT c.suggestion_id FROM proposals_cosigner c JOIN deputies_deputy d ON d.id = c.deputy_id"
    " WHERE d.electoral_unit_id = {row}.id"
)
# Child rows: every insert, update and delete (the old row and the new one).
CHILDREN = {
    "proposals_cosigner": ("{row}.suggestion_id", "OLD.status IS DISTINCT FROM NEW.status OR OLD.deputy_id IS DISTINCT FROM NEW.deputy_id OR OLD.suggestion_id IS DISTINCT FROM NEW.suggestion_id"),
    "proposals_assignment": ("{row}.suggestion_id", "OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.role IS DISTINCT FROM NEW.role OR OLD.status IS DISTINCT FROM NEW.status OR OLD.suggestion_id IS DISTINCT FROM NEW.suggestion_id"),
    "proposals_attachment": ("{row}.suggestion_id", None),
    "proposals_keysupervision": ("{row}.suggestion_id", None),
    "proposals_reply": ("SELECT suggestion_id FROM proposals_assignment WHERE id = {row}.assignment_id", None),
    "proposals_rating": (VIA_REPLY, None),
    "proposals_commitment": (VIA_REPLY, None),
}
# Names shown on the public pages: only an update that changes one counts.
NAMES = {
    "accounts_unit": ("SELECT suggestion_id FROM proposals_assignment WHERE unit_id = {row}.id", "OLD.name IS DISTINCT FROM NEW.name"),
    "deputies_deputy": (VIA_DEPUTY, "OLD.name IS DISTINCT FROM NEW.name OR OLD.electoral_unit_id IS DISTINCT FROM NEW.electoral_unit_id"),
    "deputies_electoralunit": (VIA_ELECTORAL_UNIT, "OLD.name IS DISTINCT FROM NEW.name"),
    "deputies_congresssession": ("SELECT id FROM proposals_suggestion WHERE session_id = {row}.id", "OLD.name IS DISTINCT FROM NEW.name"),
    "proposals_field": ("SELECT id FROM proposals_suggestion WHERE field_id = {row}.id", "OLD.name IS DISTINCT FROM NEW.name"),
    "proposals_replycategory": (
        "SELECT a.suggestion_id FROM proposals_assignment a JOIN proposals_reply r ON r.assignment_id = a.id WHERE r.category_id = {row}.id",
        "OLD.name IS DISTINCT FROM NEW.name OR OLD.code IS DISTINCT FROM NEW.code",
    ),
    "deputies_standingcommitteemember": (
        "SELECT suggestion_id FROM proposals_keysupervision WHERE sc_leader_id = {row}.id",
        "OLD.position IS DISTINCT FROM NEW.position OR OLD.deputy_id IS DISTINCT FROM NEW.deputy_id",
    ),
}


def _function(table: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {table}_revise_public() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND $$"
    )


def statements() -> list[str]:
    out = [
        "ALTER TABLE proposals_suggestion ADD COLUMN IF NOT EXISTS public_revision bigint NOT NULL DEFAULT 0",
        # The item itself: any update (its own columns are on every page it has).
        "CREATE OR REPLACE FUNCTION proposals_suggestion_revise_public() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN NEW.public_revision := OLD.public_revision + 1; RETURN NEW; END $$",
        "CREATE TRIGGER revise_public BEFORE UPDATE ON proposals_suggestion FOR EACH ROW "
        "EXECUTE FUNCTION proposals_suggestion_revise_public()",
    ]
    for table, (ids, changed) in CHILDREN.items():
        body = (
            "IF TG_OP <> 'INSERT' THEN " + BUMP.format(ids=ids.format(row="OLD")) + "; END IF;\n"
            "IF TG_OP <> 'DELETE' THEN " + BUMP.format(ids=ids.format(row="NEW")) + "; END IF;"
        )
        out.append(_function(table, body))
        out.append(
            f"CREATE TRIGGER revise_public_rows AFTER INSERT OR DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {table}_revise_public()"
        )
        when = f" WHEN ({changed})" if changed else ""
        out.append(
            f"CREATE TRIGGER revise_public_update AFTER UPDATE ON {table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {table}_revise_public()"
        )
    for table, (ids, changed) in NAMES.items():
        out.append(_function(table, BUMP.format(ids=ids.format(row="NEW")) + ";"))
        out.append(
            f"CREATE TRIGGER revise_public_update AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed}) "
            f"EXECUTE FUNCTION {table}_revise_public()"
        )
    return out


def reverse_statements() -> list[str]:
    out = []
    for table in ["proposals_suggestion", *CHILDREN, *NAMES]:
        out.append(f"DROP TRIGGER IF EXISTS revise_public ON {table}")
        out.append(f"DROP TRIGGER IF EXISTS revise_public_rows ON {table}")
        out.append(f"DROP TRIGGER IF EXISTS revise_public_update ON {table}")
        out.append(f"DROP FUNCTION IF EXISTS {table}_revise_public()")
    out.append("ALTER TABLE proposals_suggestion DROP COLUMN IF EXISTS public_revision")
    return out


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements():
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in reverse_statements():
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_display_mode'),
        ('deputies', '0007_served_by'),
        ('proposals', '0012_dashboard_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicRendition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=24)),
                ('language', models.CharField(max_length=16)),
                ('revision', models.BigIntegerField()),
                ('stamp', models.CharField(max_length=32)),
                ('title', models.TextField(blank=True)),
                ('html', models.TextField()),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='proposals.suggestion')),
            ],
            options={
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('suggestion', 'key', 'language'), name='rendition_once')],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers, elidable=False),
    ]

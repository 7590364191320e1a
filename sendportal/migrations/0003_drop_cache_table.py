"""Django's database cache table (made by 0001) is dropped: nothing uses Django's cache any more. The management
figures it held are kept in their own table (dashboards 0001, dashboards.figures), written in one statement."""

from django.db import migrations


def drop_cache_table(apps, schema_editor):
    if "sendportal_cache" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE sendportal_cache")


class Migration(migrations.Migration):
    dependencies = [("sendportal", "0002_user_content_type")]

    # Going back makes no table: 0001's cache table held only figures that are worked out again on request.
    operations = [migrations.RunPython(drop_cache_table, migrations.RunPython.noop)]

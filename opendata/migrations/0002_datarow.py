from django.db import migrations

from config.pgcompat import PostgreSQLRunSQL

# Table rows, one partition per published resource version (see docs/opendata.md). The
# import writes a stand-alone table, indexes it, then attaches it in the publishing
# transaction; dropping a version is dropping its partition.
CREATE = """
CREATE TABLE opendata_datarow (
    version_id bigint NOT NULL,
    rownum integer NOT NULL,
    data jsonb NOT NULL,
    PRIMARY KEY (version_id, rownum)
) PARTITION BY LIST (version_id);
CREATE INDEX opendata_datarow_data ON opendata_datarow USING gin (data jsonb_path_ops);
"""
DROP = "DROP TABLE IF EXISTS opendata_datarow CASCADE;"


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]
    operations = [PostgreSQLRunSQL(CREATE, DROP)]  # SQLite (`make run`): nothing

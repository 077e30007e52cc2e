import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_archive_items"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transcriptsegment",
            name="item",
            field=models.ForeignKey(
                help_text="The oral history this segment belongs to.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="segments",
                to="archive.archiveitem",
                verbose_name="item",
            ),
        ),
    ]

"""Imports by URL become import jobs, which may also take an uploaded file.

``UrlImport`` is renamed ``ImportJob`` (its rows stay: each had a URL); a job now has a
URL or a file name, never both. An uploaded file's bytes wait in ``ImportUpload`` until
the import task reads and deletes them.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('security', '0005_ingest_without_redundant_indexes'),
    ]

    operations = [
        migrations.RenameModel(
            old_name='UrlImport',
            new_name='ImportJob',
        ),
        migrations.AlterModelOptions(
            name='importjob',
            options={'ordering': ['-created_at'], 'verbose_name': 'import',
                     'verbose_name_plural': 'imports'},
        ),
        migrations.AlterField(
            model_name='importjob',
            name='collection',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name='import_jobs', to='security.collection'),
        ),
        migrations.AlterField(
            model_name='importjob',
            name='url',
            field=models.CharField(blank=True, max_length=2000, verbose_name='URL'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='filename',
            field=models.CharField(blank=True, default='', max_length=255,
                                   verbose_name='file name'),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name='importjob',
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(('url', ''), models.Q(('filename', ''), _negated=True)),
                                   models.Q(models.Q(('url', ''), _negated=True), ('filename', '')),
                                   _connector='OR'),
                name='security_import_job_url_or_file'),
        ),
        migrations.CreateModel(
            name='ImportUpload',
            fields=[
                ('job', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                             primary_key=True, related_name='upload',
                                             serialize=False, to='security.importjob')),
                ('data', models.BinaryField()),
            ],
        ),
    ]

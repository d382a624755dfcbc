"""Fill CoverageState for the organizations that exist (the triggers of 0006 keep it current from here on)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("organizations", "0006_coverage_state")]

    operations = [
        migrations.RunSQL(
            "SELECT organizations_refresh_coverage(NULL, organizations_coverage_today())",
            "DELETE FROM organizations_coveragestate",
        ),
    ]

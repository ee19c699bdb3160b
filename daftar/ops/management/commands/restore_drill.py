"""``manage.py restore_drill``: restore a backup into a fresh database and a fresh copy of the
papers, then run every verify command against the restored office.

    ./manage.py restore_drill                            # dump the live database now
    ./manage.py restore_drill --dump daftar-2026-12-06.dump \\
        --target-db daftar_drill --target-bucket daftar-drill   # last night's backup

The backup of record is PostgreSQL's (``pg_dump -Fc`` nightly, or a base backup with WAL
archiving for point-in-time recovery) and the bucket's (versioning on, replicated to a second
site); see the README's "Backups". The drill proves a backup can become an office again:

1. ``pg_restore`` the dump into ``--target-db`` (created; refused if it exists);
2. copy every object of the papers' storage into ``--target-bucket`` (S3) or
   ``--target-media`` (a directory, for a site on local disk);
3. run ``audit_verify``, ``custody_verify``, ``documents_verify`` and ``search_index check``
   with ``DATABASE_URL`` and the storage pointed at the copies.

It exits non-zero when any step or check fails. It never writes to the live database or bucket.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

ROOT = Path(settings.BASE_DIR)
VERIFY = [
    ["audit_verify"],
    ["custody_verify"],
    ["documents_verify"],
    ["search_index", "check"],
]


def _url_for(db_name: str) -> str:
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{db_name}"


def _pg_env() -> dict:
    d = connection.settings_dict
    env = {**os.environ, "PGHOST": d["HOST"] or "127.0.0.1", "PGPORT": str(d["PORT"] or 5432)}
    env["PGUSER"] = d["USER"]
    if d.get("PASSWORD"):
        env["PGPASSWORD"] = d["PASSWORD"]
    return env


def _run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{' '.join(map(str, cmd))} failed:\n{result.stderr[-2000:]}")
    return result


class Command(BaseCommand):
    help = "Restore a backup into a fresh database and storage copy and run every verify command."

    def add_arguments(self, parser):
        parser.add_argument("--dump", help="a pg_dump -Fc file (default: dump the database now)")
        parser.add_argument("--target-db", help="database to create (default: <db>_restore_drill)")
        parser.add_argument("--target-bucket", help="S3 bucket to copy the papers into")
        parser.add_argument("--target-media", help="directory to copy the papers into")
        parser.add_argument("--keep", action="store_true", help="keep the restored copies")

    def handle(self, *args, dump, target_db, target_bucket, target_media, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The restore drill needs PostgreSQL (pg_dump and pg_restore).")
        source_db = connection.settings_dict["NAME"]
        target_db = target_db or f"{source_db}_restore_drill"
        if target_db == source_db:
            raise CommandError("The target database must not be the live one.")
        env = _pg_env()
        work = Path(tempfile.mkdtemp(prefix="daftar-drill-"))
        try:
            if not dump:
                dump = str(work / "daftar.dump")
                self.stdout.write(f"pg_dump {source_db} -> {dump}")
                _run(["pg_dump", "-Fc", "-f", dump, source_db], env=env)
            self.stdout.write(f"pg_restore -> {target_db} (new)")
            _run(["createdb", target_db], env=env)
            _run(["pg_restore", "--no-owner", "-d", target_db, dump], env=env)

            storage_env = self._copy_papers(target_bucket, target_media, work)
            child = {
                **os.environ,
                **storage_env,
                "DATABASE_URL": _url_for(target_db),
                "DJANGO_SETTINGS_MODULE": "daftar.settings",
            }
            # The checks read only; they run side by side.
            running = [
                (
                    command,
                    subprocess.Popen(  # noqa: S603
                        [sys.executable, "manage.py", *command],
                        cwd=ROOT,
                        env=child,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    ),
                )
                for command in VERIFY
            ]
            failed = []
            for command, proc in running:
                stdout, stderr = proc.communicate()
                last = (stdout.strip().splitlines() or [""])[-1]
                state = "ok" if proc.returncode == 0 else "FAILED"
                self.stdout.write(f"  {' '.join(command):22} {state}: {last}")
                if proc.returncode != 0:
                    failed.append(" ".join(command))
                    self.stderr.write(stdout[-1500:] + stderr[-1500:])
            if failed:
                raise CommandError(f"The restored office is not whole: {', '.join(failed)}")
            self.stdout.write(self.style.SUCCESS("The restored office is whole."))
        finally:
            if not keep:
                subprocess.run(["dropdb", "--if-exists", target_db], env=env, capture_output=True)  # noqa: S603,S607
                if target_media and Path(target_media).exists() and not target_bucket:
                    shutil.rmtree(target_media, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)

    def _copy_papers(self, target_bucket, target_media, work: Path) -> dict:
        """Copy the papers; returns the environment that points Daftar at the copy."""
        options = settings.STORAGES["default"].get("OPTIONS", {})
        if "bucket_name" in options:
            if not target_bucket or target_bucket == options["bucket_name"]:
                raise CommandError("Give --target-bucket, a bucket other than the live one.")
            import boto3

            s3 = boto3.client(
                "s3",
                endpoint_url=options.get("endpoint_url"),
                region_name=options.get("region_name"),
                aws_access_key_id=options.get("access_key"),
                aws_secret_access_key=options.get("secret_key"),
            )
            s3.create_bucket(Bucket=target_bucket)
            n = 0
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=options["bucket_name"]):
                for obj in page.get("Contents", []):
                    s3.copy_object(
                        Bucket=target_bucket,
                        Key=obj["Key"],
                        CopySource={"Bucket": options["bucket_name"], "Key": obj["Key"]},
                    )
                    n += 1
            self.stdout.write(f"copied {n} object(s) to bucket {target_bucket}")
            return {"S3_BUCKET": target_bucket}
        source = Path(settings.MEDIA_ROOT)
        target = Path(target_media or work / "media")
        if target.resolve() == source.resolve():
            raise CommandError("The target directory must not be the live one.")
        shutil.copytree(source, target, dirs_exist_ok=False)
        n = sum(1 for p in target.rglob("*") if p.is_file())
        self.stdout.write(f"copied {n} file(s) to {target}")
        return {"MEDIA_ROOT": str(target)}

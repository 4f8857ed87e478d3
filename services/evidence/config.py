"""The object store the settings name: an S3-compatible bucket when ``JIXIAO_S3_BUCKET`` is set,
the local folder otherwise (``$JIXIAO_DATA_DIR/evidence`` or ``JIXIAO_EVIDENCE_DIR``)."""

from __future__ import annotations

from dataclasses import dataclass

from services.evidence.intake import Limits
from services.evidence.local import LocalObjects
from services.evidence.port import ObjectStore
from services.runtime.settings import Settings


@dataclass(frozen=True)
class Evidence:
    """What the API needs of evidence: where files go and how large they may be."""

    store: ObjectStore
    limits: Limits


def evidence_of(settings: Settings) -> Evidence:
    return Evidence(object_store(settings), limits(settings))


def object_store(settings: Settings) -> ObjectStore:
    if settings.s3_bucket:
        from services.evidence.s3 import S3Config, S3Objects  # boto3 only when configured

        return S3Objects(
            S3Config(
                bucket=settings.s3_bucket,
                endpoint=settings.s3_endpoint,
                region=settings.s3_region,
                access_key=settings.s3_access_key,
                secret_key=settings.s3_secret_key,
                prefix=settings.s3_prefix,
            )
        )
    return LocalObjects(settings.evidence_folder.resolve())


def limits(settings: Settings) -> Limits:
    return Limits(settings.evidence_max_mb * 1024 * 1024)

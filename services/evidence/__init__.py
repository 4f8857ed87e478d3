"""佐证材料 (evidence): files attached to what a bureau records, stored content-addressed.

``port`` (the object store: put, read, exists by SHA-256) with a local folder (``local``), any
S3-compatible store (``s3``) and an in-memory twin (``memory``); ``kinds`` (what a file may be,
checked by its bytes); ``intake`` (an upload received into a temporary file, hashed and
checked, before anything is stored); ``check`` (``jixiao verify``'s look at the stored files).
Design and decisions in ``docs/evidence.md``.
"""

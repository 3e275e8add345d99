"""The one import pipeline: `reading` turns a file into numbered rows within bounded work; `pipeline` checks each
row with the model's own rules and the user's scope, previews, and writes all rows or none.

The names the apps use are importable from here.
"""

from meister.importing.pipeline import (
    ImportContext,
    Importer,
    ImportField,
    ImportResult,
    ImportUploadForm,
    ParsedFile,
    Problems,
    Row,
    RowResult,
    get_import_batch_for_user,
    import_batch_commit,
    import_batch_create,
    import_batches_for_user,
    import_commit,
    import_preview,
    map_rows,
    parse_upload,
)
from meister.importing.reading import (
    ImportProblem,
    RowStatus,
    header_key,
    keep_text,
    max_upload_bytes,
    name_key,
    nfkc,
    normalise_code,
    read_table,
    too_large_message,
    upload_format,
)

__all__ = [
    "ImportContext",
    "ImportField",
    "ImportProblem",
    "ImportResult",
    "ImportUploadForm",
    "Importer",
    "ParsedFile",
    "Problems",
    "Row",
    "RowResult",
    "RowStatus",
    "get_import_batch_for_user",
    "header_key",
    "import_batch_commit",
    "import_batch_create",
    "import_batches_for_user",
    "import_commit",
    "import_preview",
    "keep_text",
    "map_rows",
    "max_upload_bytes",
    "name_key",
    "nfkc",
    "normalise_code",
    "parse_upload",
    "read_table",
    "too_large_message",
    "upload_format",
]

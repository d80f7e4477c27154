"""A proof file as a download, for the member's pages and for operations' review alike."""

from __future__ import annotations

import io

from flask import send_file
from werkzeug.wrappers import Response

from wizard.models import ProofFile


def file_response(found: ProofFile) -> Response:
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[found.media_type]
    response = send_file(
        io.BytesIO(found.content), mimetype=found.media_type, as_attachment=True,
        download_name=f"justificatif-{found.public_id}.{extension}",
    )  # fmt: skip
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""``serve --load-samples``: one demo key kept across restarts, and it can upload from
the dashboard (ingest + read) as well as read the sample reports."""

from __future__ import annotations

import re
from pathlib import Path

from service.keys import revoke_api_key
from service.samples import DEMO_KEY_FILE, load_samples
from service.storage import LocalDiskStorage
from tests.service.conftest import base_settings, running_api, wav_bytes


def test_demo_key_is_reused_and_uploads_from_the_dashboard(tmp_path: Path) -> None:
    settings = base_settings(tmp_path / "data")
    storage = LocalDiskStorage(settings.effective_storage_dir)
    no_samples = tmp_path / "none"
    no_samples.mkdir()
    with running_api(settings) as api:
        db = api.state.db
        first = load_samples(settings, db, storage, samples_dir=no_samples).demo_key
        again = load_samples(settings, db, storage, samples_dir=no_samples).demo_key
        assert again == first  # a restart prints the same key
        assert (settings.data_dir / DEMO_KEY_FILE).stat().st_mode & 0o077 == 0

        signed = api.client.post("/sign-in", data={"api_key": first}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
        page = api.client.get("/calls")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert token is not None
        uploaded = api.client.post(
            "/calls/upload",
            headers={"X-CSRF-Token": token.group(1)},
            files={"audio": ("first.wav", wav_bytes(), "audio/wav")},
        )
        assert uploaded.status_code == 202, uploaded.text
        status = api.client.get(f"/v1/calls/{uploaded.json()['id']}", headers={"X-API-Key": first})
        assert status.status_code == 200 and status.json()["status"] in {
            "queued",
            "processing",
            "done",
        }

        with db.session() as session:  # a revoked demo key is replaced, not reprinted
            assert revoke_api_key(session, first.split("_")[1])
        replaced = load_samples(settings, db, storage, samples_dir=no_samples).demo_key
        assert replaced != first
        assert (settings.data_dir / DEMO_KEY_FILE).read_text().strip() == replaced
        listed = api.client.get("/v1/calls", headers={"X-API-Key": replaced})
        assert listed.status_code == 200 and len(listed.json()["items"]) == 1

"""Settings for a developer's machine: DEBUG on, SQLite under var/, a generated local secret key."""

from __future__ import annotations

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])


def _local_secret_key() -> str:
    """A secret kept in var/ (git-ignored), so sessions survive restarts without a shared key."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()  # noqa: F405
VAR_DIR.mkdir(parents=True, exist_ok=True)

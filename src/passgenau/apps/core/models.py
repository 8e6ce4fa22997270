"""The core app stores nothing; it holds the start page, health check, middleware and the
navigation shared by every module."""

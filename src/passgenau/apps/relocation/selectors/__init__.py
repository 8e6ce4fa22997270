"""Reads of relocation data, one module per area: ``rounds``, ``profiles``, ``intake`` (households).

Access functions (``*_for_user``, ``*_get_for_user``) decide what a user may see; an object the
user may not see is "not found" (``Http404``), so that its existence does not leak.
"""

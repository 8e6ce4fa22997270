"""Who may do what with territories: everyone may read them, nobody changes them on a page.

Länder, Kreise and Gemeinden are official public statistics without personal data; the
permission table grants ``territories.view`` to every role and the public, and the pages check it
with ``access.require``. Figures change only through the ``import-territories`` command, which
runs with the operator's rights, not a user's. There is therefore no decision to make about a
single object, and no function here yet: a rule about who may change a territory goes here,
built on the permission table.
"""

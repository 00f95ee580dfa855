"""How listings and records are shown to people, one module per topic.

A view names the columns of a listing (their headers are msgids, translated
when shown) and the kind of each value; the rows themselves come from the
library. See :mod:`mokoord.cli._output`.
"""

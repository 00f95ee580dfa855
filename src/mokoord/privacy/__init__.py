"""Data protection by design (DSGVO/GDPR): legal bases, retention, access and erasure.

The modules, each a layer of its own:

- :mod:`~mokoord.privacy.values`: a person's identifying values, found in text
  (names with their spellings, e-mail addresses, phone numbers in any format),
  and their keyed fingerprints;
- :mod:`~mokoord.privacy.retention`: what is past its retention period, and why;
- :mod:`~mokoord.privacy.checks`: what ``mokoord check`` says about personal data;
- :mod:`~mokoord.privacy.access`: everything about one person (Art. 15);
- :mod:`~mokoord.privacy.record`: the record of processing activities (Art. 30);
- :mod:`~mokoord.privacy.erase`: what an erasure changes (a plan, no writes);
- :mod:`~mokoord.privacy.rewrite`: the erasure itself, in the files and the whole
  git history, crash-safe;
- :mod:`~mokoord.privacy.guard`: refusing history that brings erased data back
  (for ``mokoord sync`` and git hooks);
- :mod:`~mokoord.privacy.catchup`: bringing another clone or the server to the
  erased history.

The design, for a data protection officer, is in ``docs/privacy.md``.
"""

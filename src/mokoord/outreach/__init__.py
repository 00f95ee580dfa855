"""Targeted outreach (§3.2): letters and e-mail drafts to chosen organisations.

``mokoord outreach`` selects organisations as ``list`` does, addresses in each
the contact person the office may write to, renders the store's template in
the organisation's language, writes drafts (``.eml``), printable letters
(``.html``) or a sheet for a serial letter (``.csv``), and records one contact
per organisation reached, all in one commit. mokoord never sends mail.

- :mod:`~mokoord.outreach.templates`: the templates in ``templates/outreach/``,
  their front matter, language variants and sandboxed rendering;
- :mod:`~mokoord.outreach.addressing`: who is addressed in each organisation,
  and why an organisation is skipped;
- :mod:`~mokoord.outreach.documents`: the drafts, letters and the sheet;
- :mod:`~mokoord.outreach.run`: the request, the whole run, and the plan that
  records the contacts.

The visit kit (data sheet, ``verified``) is in :mod:`mokoord.visits`.
"""

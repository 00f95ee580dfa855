"""Spreadsheet import and data export: CSV, XLSX, JSON and Open Referral HSDS.

Pure library code: the CLI (``mokoord.cli.exchange``) only parses options,
calls these modules and prints. Writing goes through ``store.Change``.
"""

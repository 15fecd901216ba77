"""Bare Django: the second reference (``python -m bench`` serves it beside the board).

A project as ``django-admin startproject`` makes it (its default apps and middleware, SQLite)
with two views: a constant page, and the same page for a signed-in user only.
"""

"""The government's records this portal reads: one module per source, each of one shape.

A source module holds a typed record of one CSV row, the parsing and validation of a row
(every problem names its column), a store for a batch of records, and the reader functions
the services call; csv_source streams any source's file in bounded memory and imports it
all or nothing (`flask absher import <source> FILE`). Adding a source is a module here,
its model and migration, and a line in sources.py (docs/ARCHITECTURE.md).
"""

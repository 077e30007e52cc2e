"""The page cache: anonymous GETs of public pages answered from the Django cache (Redis in
production), purged URL by URL when what they show changes. README "Production" explains it.

- `store`: what an entry is, its key, reading, writing and purging; `served_from_cache()`.
- `middleware`: which requests and responses are cached, headers, conditional requests.
- `affected`: which URLs a change affects (pages, archive items, members, settings, seats).
- `receivers`: the signals that purge them after commit, connected in HomeConfig.ready().
"""

"""Feed intake: fetch.py (HTTP with limits and an SSRF guard) and parse.py (body to FeedEntry).

Nothing is re-exported here on purpose: importing the pure parser must not pull in httpx.
"""

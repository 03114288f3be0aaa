"""The store port and everything that keeps the database: SQL text, the daily job (rollups,
retention), size against the cap, the Durable Objects store's pure parts, copying between
stores.
"""

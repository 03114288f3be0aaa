"""The stats API's query languages: footfall's own, and Plausible's Stats API v2 with its
vocabulary.
"""

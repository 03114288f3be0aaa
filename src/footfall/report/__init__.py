"""The numbers: a site's page views, visits and events over a range of days, from rollups and raw
rows, with goals, funnels, comparisons and exports.
"""

"""Reading a request's user agent and referrer: bot or person (with reasons), browser, operating
system and device, and the channel a visit came from.
"""

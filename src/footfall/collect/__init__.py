"""What a beacon goes through before it is stored: its body checked and normalised, the visitor's
privacy signals, who is behind it, and the statements that store it.
"""

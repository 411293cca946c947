"""Records, checker and site generator for the 中心组学习列席旁听 plan.

The pipeline: load (records.py) → validate (schemas.py) → rules (rules.py) → site (site/).
"""

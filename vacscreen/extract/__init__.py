"""Extraction: the spaCy pipeline (pipeline.py) of a rule component and a trained required/optional component, with
the patterns (patterns/, patterns.py, matcher.py, rules.py) and normalisers (normalise.py, knowledge.py).

    from vacscreen.extract.pipeline import load_nlp, make_doc, requirements
"""

"""Skill inference from text: a pure engine (numpy, onnxruntime, tokenizers; no Django).

``taxonomy`` reads ESCO files into :class:`SkillRecord` rows, ``encoder`` runs the sentence
model, ``lexical`` matches labels word for word, and ``ranker`` combines them into ranked
skills with scores and evidence spans.
"""

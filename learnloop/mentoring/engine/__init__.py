"""The mentoring matching engine: pure numpy (and OR-Tools for the exact solve), no Django.

``scoring`` turns both sides of a program into per-pair compatibility components, ``constraints``
removes the pairs that may never be proposed, ``solver`` finds the assignment of greatest total
compatibility under the mentors' capacities (unmatched mentees allowed).
"""

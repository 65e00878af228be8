"""The shared clinical knowledge layer (issue #23): one reader for what every consumer reads.

``numbers``: the one reader of amounts (Arabic and Chinese numerals, fractions, ranges, units)
used by the sig parser, the output monitor and the drug KB.
"""

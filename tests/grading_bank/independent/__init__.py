"""Wrong and correct answers written by someone who did not write the chapter's tests.

One module per chapter, named as in the parent package, each with a ``BANK`` of
:class:`grading_bank.Variant`; :func:`grading_bank.load` adds them to the chapter's bank,
and ``test_grading_validity`` demands at least five wrong answers per exercise here.
"""

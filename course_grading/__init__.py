"""Instructor-side tools for grading the course with nbgrader.

Nothing here is imported by the notebooks. ``python -m course_grading`` is the command line
(see ``course_grading/__main__.py``): sandboxed autograding and the grade report.
"""

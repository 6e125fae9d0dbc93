"""The instructor's grader: ``dlcourse grade SUBMISSION...``.

Each submission runs as untrusted code in its own sandboxed process (``sandbox``, ``worker``); its notebook
records the answers that it passes to ``dl.check``, in safe formats; the checks then run here, in the grader,
on the loaded answers (``runner``). Results go into a SQLite gradebook (``gradebook``) and out as CSV, JSON
and Markdown feedback (``report``).
"""

from .runner import GradeOptions, SubmissionResult, grade_submissions

__all__ = ["GradeOptions", "SubmissionResult", "grade_submissions"]

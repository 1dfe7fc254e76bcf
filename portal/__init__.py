"""The web portal for clerks, reviewers and the data team (FastAPI; see issue 8)."""

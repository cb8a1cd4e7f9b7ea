"""Skill linking: free text → ranked ESCO skills, by a lexical engine (BM25) and an optional semantic one."""

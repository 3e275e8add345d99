"""Prefectures, schools, companies, organisations, consortia and designations: the registry."""

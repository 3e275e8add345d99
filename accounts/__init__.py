"""Accounts by invitation down the scope tree, the people page of those who invite, and password reset."""

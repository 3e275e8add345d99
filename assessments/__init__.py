"""Instruments, administrations, responses and pre/post analysis; the fact-finding survey."""

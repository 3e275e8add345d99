"""The portal's front: each role's dashboard and the navigation, on top of every domain app.

Apps contribute their menu entries (`<app>/navigation.py`); this app collects them, so the core
(`meister`) names no app.
"""

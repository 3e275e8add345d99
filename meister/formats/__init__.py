"""Date formats per language, where Django's own differ from what the portal's readers expect."""

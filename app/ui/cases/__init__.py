"""The case screens: the case window (list, detail, commands), making a case at a tile."""

"""Territories: Länder, Regierungsbezirke, Kreise and Gemeinden with their official keys."""

"""Dialogs of the control window: save a view, edit layouts."""

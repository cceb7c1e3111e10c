"""The embedded demo site: real street clips, a local RTSP server serving 100 cameras, a site config.

No Qt here; the RTSP server itself runs as a separate GStreamer process (resources/demo).
"""

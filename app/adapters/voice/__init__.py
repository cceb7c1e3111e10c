"""Delivery of voice prompts to loudspeakers: one adapter per :class:`~app.core.voice.DeliveryKind`
behind :class:`~app.core.voice.SpeakerPort`."""

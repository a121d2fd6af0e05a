"""Personal data in transcripts (cards, IBAN, phone, e-mail, national ids, long
numbers): found in spoken or written form, replaced by ``[KIND]`` tags, and the audio
spans to blank."""

"""The analysis stages, in the order ``analyzers.pipeline.analyze`` runs them.

Each module is one stage: a typed function from earlier stages' typed results
to its own typed result, no I/O beyond decode's reading of the recording.

    decode        recording -> DecodedCall (samples at the analysis rate)
    pickup        ringback (a non-speech tone) or call metadata -> Pickup
    activity      voice-active spans per channel, ringback excluded -> Activity
    parties       channels -> agent/customer (a mono call: its two voices, diarized),
                  or one "unknown" party -> PartyChannels
    transcription Whisper words per party -> Transcript
    roles         the transcript confirms or overrules a guessed agent -> PartyChannels
    conversation  turns, interruptions, silences between the call's bounds -> Conversation
    pitch         F0 track per party -> PitchTracks
    loudness      speech level per party and per turn -> Loudness
    measures      the per-party metrics of every family -> Parties
    signals       downsampled curves for the dashboard timeline -> Signals
    report        everything above -> Report (then analyzers.rules adds findings)
    sentiment     each worded turn scored -1..1, each party's start-vs-end trend -> Report
"""

// TracerCLITests: placeholder.

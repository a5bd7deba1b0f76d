// TrainingTests: placeholder.

// NeuralCoreTests: placeholder.

// NeuralCore: placeholder until the module lands.

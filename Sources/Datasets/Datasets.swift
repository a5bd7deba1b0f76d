// Datasets: placeholder until the module lands.

// DatasetsTests: placeholder.

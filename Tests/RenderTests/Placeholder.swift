// RenderTests: placeholder.

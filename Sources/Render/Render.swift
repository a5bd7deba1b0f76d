// Render: placeholder until the module lands.

// Lessons: placeholder until the module lands.

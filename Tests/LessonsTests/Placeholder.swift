// LessonsTests: placeholder.

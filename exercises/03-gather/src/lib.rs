//! Lesson 3: gather, many futures at once.

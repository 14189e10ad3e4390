//! Lesson 2: blocking calls and how to keep them off the executor.

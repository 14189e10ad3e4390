//! Lesson 4: wait for the first to complete, the first failure, or a deadline.

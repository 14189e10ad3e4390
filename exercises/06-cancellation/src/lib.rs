//! Lesson 6: cooperative cancellation with async cleanup.

//! Lesson 5: async iterators, the Stream trait.

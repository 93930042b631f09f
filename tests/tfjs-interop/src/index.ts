// Test helpers for TensorFlow.js interop live here.

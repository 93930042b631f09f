// exportOnnx lands here (issue 19).

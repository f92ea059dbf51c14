"""The Star Index method (pure): data frames in, scores, intervals and explanations out."""

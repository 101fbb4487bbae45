"""The English reader (`reader.read`) and its rooms: tokens, numbers, dates, parties, figures,
facts, categories, lexicon, and marks (the word scan that tells what a sentence speaks of)."""

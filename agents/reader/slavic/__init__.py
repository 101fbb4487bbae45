"""The Ukrainian and Russian reader (`reader.read`) and its rooms: tokens, numbers, dates,
parties, figures, facts, categories, lexicon. The two languages share one engine; the
language sets the default perspective and its own words."""

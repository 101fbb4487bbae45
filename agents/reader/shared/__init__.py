"""Parts of the reader shared by every language: sentences, numbers, dates, agreements,
facts and their clean-up, language detection."""

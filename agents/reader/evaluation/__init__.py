"""The reader's evaluation on labelled corpus files: scores (`scores`) and the fixed
tune/check split (`split`)."""

from agents.reader.evaluation.scores import Labelled, Report, evaluate, load, score_item
from agents.reader.evaluation.split import Part, split

__all__ = ["Labelled", "Part", "Report", "evaluate", "load", "score_item", "split"]

"""Policy-tool coding of clauses (Rothwell and Zegveld's supply, environment and demand tools)."""

from .classifier import ToolClassifier, default_classifier
from .evaluate import evaluate_tools, format_tool_scores
from .scheme import chinese_names, subcategories

__all__ = ["ToolClassifier", "chinese_names", "default_classifier", "evaluate_tools", "format_tool_scores",
           "subcategories"]

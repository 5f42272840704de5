"""A real embedder that counts what it is asked to embed: tests of "nothing is embedded twice"."""
from __future__ import annotations


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed as documents."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0
        self.model_name = getattr(inner, "model_name", "")

    def embed_documents(self, texts):
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)

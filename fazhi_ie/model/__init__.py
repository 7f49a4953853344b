"""The fine-tuned NER + relation model: labels, alignment, heads, decoding, loading.

Nothing here is imported by ``import fazhi_ie``; torch and tokenizers load only when
a model backend is asked for.
"""

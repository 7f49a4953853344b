"""fazhi_ie training pipeline: base encoder, synthetic data, fine-tuning."""
